/* Opaque pagination cursors: the position after which the next page starts. Pure. */
#ifndef CORE_CURSOR_H
#define CORE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CURSOR_MAX 48

/* The tag of a list, from its name (the route's pattern): a cursor names its list. */
uint32_t cursor_list(const char *name);
/* Writes the cursor for "after key" in the list tagged list into out (CURSOR_MAX bytes). */
void cursor_encode(uint32_t list, int64_t key, char *out);
/* Reads a cursor; false if it is not one this service made for the list tagged list. */
bool cursor_decode(const char *s, uint32_t list, int64_t *key);

#endif
