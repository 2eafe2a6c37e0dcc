/* Opaque pagination cursors: the position after which the next page starts. Pure. */
#ifndef CORE_CURSOR_H
#define CORE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CURSOR_MAX 48

/* Writes the cursor for "after key" into out (CURSOR_MAX bytes). */
void cursor_encode(int64_t key, char *out);
/* Reads a cursor; false if it is not one this service made. */
bool cursor_decode(const char *s, int64_t *key);

#endif
