/* Operations on JSON text that is already valid (as PostgreSQL renders it). Pure. */
#ifndef CORE_JSONTEXT_H
#define CORE_JSONTEXT_H

#include <stddef.h>

/* Removes the white space outside strings from valid JSON text s, in place; returns the
 * new length. PostgreSQL writes `{"a" : 1, "b" : [1, \n 2]}`; clients get `{"a":1,"b":[1,2]}`. */
size_t json_compact(char *s);

#endif
