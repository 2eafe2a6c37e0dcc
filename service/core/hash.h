/* A small non-cryptographic string hash, for hash tables and tags. Pure. */
#ifndef CORE_HASH_H
#define CORE_HASH_H

#include <stdint.h>

/* FNV-1a (32 bits) of the NUL-terminated s. */
uint32_t hash_fnv1a(const char *s);

#endif
