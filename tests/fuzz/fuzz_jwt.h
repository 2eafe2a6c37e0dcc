/* The HS256 configuration both token fuzz targets verify against, set in cfg. */
#ifndef FUZZ_JWT_H
#define FUZZ_JWT_H

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"

#define SECRET "fuzz-hs256-secret-0123456789abcdefghijklmnop"
#define ISSUER "rendicion"
#define AUDIENCE "rendicion-api"
#define NOW ((time_t)1700000000)

/* Sets cfg for HS256 under SECRET, ISSUER and AUDIENCE, with leeway seconds. */
static inline void
fuzz_jwt_init(int leeway)
{
	if (sodium_init() < 0)
		abort();
	cfg.jwt_alg = ALG_HS256;
	cfg.jwt_key = (unsigned char *)SECRET;
	cfg.jwt_key_len = strlen(SECRET);
	cfg.jwt_issuer = ISSUER;
	cfg.jwt_audience = AUDIENCE;
	cfg.jwt_leeway = leeway;
	cfg.jwt_max_lifetime = 86400;
}

#endif
