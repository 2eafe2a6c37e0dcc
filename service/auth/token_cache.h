/* The verified-token cache behind token_verify (auth/token.c); token_cache_clear and
 * token_cache_stats are declared in auth/token.h. */
#ifndef AUTH_TOKEN_CACHE_H
#define AUTH_TOKEN_CACHE_H

#include <sodium.h>
#include <stdbool.h>
#include <time.h>

#include "auth/token.h"

/* Writes the cache key of token (crypto_generichash_BYTES bytes): the token and every
 * setting its verification depended on. */
void token_cache_key(const char *token, unsigned char *key);
/* Copies a cached verification of key good at now into out (out->json a fresh copy the
 * caller frees with claims_free); false, out zeroed, if there is none. Counts the hit or
 * miss. */
bool token_cache_get(const unsigned char *key, time_t now, struct claims *out);
/* Remembers c (copied), verified at now, good from from until until. */
void token_cache_put(const unsigned char *key, time_t now, time_t from, time_t until,
                     const struct claims *c);

#endif
