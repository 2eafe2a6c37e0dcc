/* Password hashing with Argon2id (libsodium). */
#ifndef AUTH_PASSWORD_H
#define AUTH_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_HASH_MAX 128
#define PASSWORD_MIN_CHARS 10
#define PASSWORD_MAX_BYTES 1024

/* Hashes password into out (PASSWORD_HASH_MAX bytes); false on out of memory. */
bool password_hash(const char *password, char *out);
/* True if password matches hash. With hash NULL it spends the same time on a dummy hash
 * and returns false, so unknown accounts cannot be told apart by timing. */
bool password_verify(const char *hash, const char *password);

#endif
