/* Numbers the whole service agrees on. */
#ifndef CORE_LIMITS_H
#define CORE_LIMITS_H

/* The largest id a JSON client can hold exactly (2^53 - 1): ids, path segments and
 * id-valued members and parameters are refused above it. */
#define ID_MAX 9007199254740991LL

/* Room for an ETag, quoted or not (an MD5 or BLAKE2b-128 in hex, 32 characters). */
#define ETAG_MAX 80

/* Room for an int64 as decimal text, with sign and NUL. */
#define INT_TEXT_MAX 24

#endif
