/* JWT verification and issuing on libjwt 1.10, which trusts the token's own header and
 * checks no time, issuer or audience claim: all of that is done here. */
#include "auth/token.h"

#include <jansson.h>
#include <jwt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

#define LEEWAY 60 /* seconds of clock skew tolerated on exp and nbf */

static const char *const role_names[] = {"", "ciudadanos", "directores", "administradora", ""};

enum role
role_from_name(const char *name)
{
	for (int r = ROLE_CIUDADANOS; r <= ROLE_ADMIN; r++)
		if (strcmp(name, role_names[r]) == 0)
			return (enum role)r;
	return ROLE_OTHER;
}

const char *
role_name(enum role r)
{
	return role_names[r];
}

static jwt_alg_t
lib_alg(void)
{
	switch (cfg.jwt_alg) {
	case ALG_RS256: return JWT_ALG_RS256;
	case ALG_ES256: return JWT_ALG_ES256;
	default: return JWT_ALG_HS256;
	}
}

/* An integer-valued NumericDate; JSON reals are accepted when whole. */
static bool
numeric_date(json_t *v, json_int_t *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return true;
	}
	if (json_is_real(v) && json_real_value(v) > 0 && json_real_value(v) < 1e13) {
		*out = (json_int_t)json_real_value(v);
		return true;
	}
	return false;
}

static bool
aud_matches(json_t *aud)
{
	size_t i;
	json_t *v;

	if (json_is_string(aud))
		return strcmp(json_string_value(aud), cfg.jwt_audience) == 0;
	if (!json_is_array(aud))
		return false;
	json_array_foreach(aud, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), cfg.jwt_audience) == 0)
			return true;
	return false;
}

/* Checks the claims of a token whose signature is already verified. */
static bool
check_claims(json_t *c, time_t now, struct claims *out)
{
	json_t *sub = json_object_get(c, "sub"), *role = json_object_get(c, "role");
	json_t *iss = json_object_get(c, "iss"), *unit = json_object_get(c, "unit_id");
	json_t *v;
	json_int_t exp, t;

	if (!json_is_string(iss) || strcmp(json_string_value(iss), cfg.jwt_issuer) != 0)
		return false;
	if (!aud_matches(json_object_get(c, "aud")))
		return false;
	if (!numeric_date(json_object_get(c, "exp"), &exp) || exp + LEEWAY <= now)
		return false;
	v = json_object_get(c, "nbf");
	if (v && (!numeric_date(v, &t) || t - LEEWAY > now))
		return false;
	v = json_object_get(c, "iat");
	if (v && (!numeric_date(v, &t) || t - LEEWAY > now))
		return false;
	if (!json_is_string(sub) || json_string_length(sub) == 0 ||
	    json_string_length(sub) >= sizeof out->sub)
		return false;
	if (!json_is_string(role) || json_string_length(role) == 0)
		return false;
	out->role = role_from_name(json_string_value(role));
	if (out->role == ROLE_DIRECTORES) {
		if (!json_is_integer(unit) || json_integer_value(unit) <= 0)
			return false;
		out->unit_id = json_integer_value(unit);
	}
	memcpy(out->sub, json_string_value(sub), json_string_length(sub) + 1);
	snprintf(out->role_name, sizeof out->role_name, "%s",
	         out->role == ROLE_OTHER ? "other" : role_names[out->role]);
	return true;
}

enum token_status
token_verify(const char *token, time_t now, struct claims *out)
{
	jwt_t *jwt = NULL;
	char *grants = NULL;
	json_t *c = NULL;
	enum token_status st = TOKEN_INVALID;

	memset(out, 0, sizeof *out);
	if (token == NULL || *token == '\0' || strlen(token) > 8192 || cfg.jwt_key == NULL)
		return TOKEN_INVALID;
	if (jwt_decode(&jwt, token, cfg.jwt_key, (int)cfg.jwt_key_len) != 0 || jwt == NULL)
		goto out;
	/* libjwt takes the algorithm from the token: pin it to the configured one. */
	if (jwt_get_alg(jwt) != lib_alg())
		goto out;
	grants = jwt_get_grants_json(jwt, NULL);
	if (grants == NULL)
		goto out;
	c = json_loads(grants, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(c) || !check_claims(c, now, out))
		goto out;
	out->json = grants;
	grants = NULL;
	st = TOKEN_OK;
out:
	if (st != TOKEN_OK)
		memset(out, 0, sizeof *out);
	json_decref(c);
	free(grants);
	jwt_free(jwt);
	return st;
}

void
claims_free(struct claims *c)
{
	free(c->json);
	c->json = NULL;
}

char *
token_issue(const char *sub, const char *role, int64_t unit_id, long ttl, time_t now)
{
	jwt_t *jwt = NULL;
	unsigned char rnd[16];
	char jti[33];
	char *tok = NULL;

	if (cfg.jwt_sign_key == NULL || jwt_new(&jwt) != 0)
		return NULL;
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(jti, sizeof jti, rnd, sizeof rnd);
	if (jwt_add_grant(jwt, "sub", sub) || jwt_add_grant(jwt, "role", role) ||
	    jwt_add_grant(jwt, "iss", cfg.jwt_issuer) || jwt_add_grant(jwt, "aud", cfg.jwt_audience) ||
	    jwt_add_grant(jwt, "jti", jti) || jwt_add_grant_int(jwt, "iat", (long)now) ||
	    jwt_add_grant_int(jwt, "exp", (long)(now + ttl)))
		goto out;
	if (unit_id > 0 && jwt_add_grant_int(jwt, "unit_id", (long)unit_id))
		goto out;
	if (jwt_set_alg(jwt, lib_alg(), cfg.jwt_sign_key, (int)cfg.jwt_sign_key_len))
		goto out;
	tok = jwt_encode_str(jwt);
out:
	jwt_free(jwt);
	return tok;
}
