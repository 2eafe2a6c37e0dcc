/* JWT verification and issuing on libjwt 1.10, which trusts the token's own header and
 * checks no time, issuer or audience claim: all of that is done here. Verified tokens are
 * remembered (auth/token_cache.c). */
#include "auth/token.h"
#include "auth/token_cache.h"

#include <jansson.h>
#include <jwt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

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
	/* Bounded to years 1970–9999, so the leeway arithmetic below cannot overflow. */
	if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) <= 253402300799) {
		*out = json_integer_value(v);
		return true;
	}
	if (json_is_real(v) && json_real_value(v) >= 0 && json_real_value(v) <= 253402300799.0) {
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

/* Checks the claims of a token whose signature is already verified; *from and *until
 * receive the times between which the token is good (nbf/iat and exp, leeway included). */
static bool
check_claims(json_t *c, time_t now, struct claims *out, time_t *from, time_t *until)
{
	json_t *sub = json_object_get(c, "sub"), *role = json_object_get(c, "role");
	json_t *iss = json_object_get(c, "iss"), *unit = json_object_get(c, "unit_id");
	json_t *v;
	json_int_t exp, t;

	*from = 0;
	if (!json_is_string(iss) || strcmp(json_string_value(iss), cfg.jwt_issuer) != 0)
		return false;
	if (!aud_matches(json_object_get(c, "aud")))
		return false;
	if (!numeric_date(json_object_get(c, "exp"), &exp) || exp + cfg.jwt_leeway <= now)
		return false;
	*until = (time_t)(exp + cfg.jwt_leeway);
	out->exp = exp;
	v = json_object_get(c, "gen");
	if (v && (!json_is_integer(v) || json_integer_value(v) < 0))
		return false;
	out->gen = v ? json_integer_value(v) : 0;
	v = json_object_get(c, "nbf");
	if (v && (!numeric_date(v, &t) || t - cfg.jwt_leeway > now))
		return false;
	if (v && t - cfg.jwt_leeway > *from)
		*from = (time_t)(t - cfg.jwt_leeway);
	v = json_object_get(c, "iat");
	if (v && (!numeric_date(v, &t) || t - cfg.jwt_leeway > now))
		return false;
	if (v && t - cfg.jwt_leeway > *from)
		*from = (time_t)(t - cfg.jwt_leeway);
	/* A ceiling on the lifetime: exp − iat (exp − now without iat), leeway included. */
	if (exp - (v ? t : (json_int_t)now) > cfg.jwt_max_lifetime + cfg.jwt_leeway)
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

/* A base64url part of the token (n bytes) decoded and parsed as a JSON object that
 * repeats no member name; NULL otherwise. libjwt's parser keeps the last of repeated
 * members ("role" twice: the second wins), so the text is checked before it. */
static json_t *
strict_part(const char *part, size_t n)
{
	unsigned char *bin;
	size_t len = 0;
	json_t *j = NULL;

	if (n == 0 || n > 8192)
		return NULL;
	bin = malloc(n);
	if (bin == NULL)
		return NULL;
	if (sodium_base642bin(bin, n, part, n, NULL, &len, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0)
		j = json_loadb((const char *)bin, len, JSON_REJECT_DUPLICATES, NULL);
	free(bin);
	if (j != NULL && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

/* The header and the claims repeat no member name, and the header has no "crit" (no
 * extension is understood here, so RFC 7515 4.1.11 says refuse). */
static bool
token_text_strict(const char *token)
{
	const char *dot1 = strchr(token, '.'), *dot2;
	json_t *h, *c;
	bool ok;

	if (dot1 == NULL || (dot2 = strchr(dot1 + 1, '.')) == NULL)
		return false;
	h = strict_part(token, (size_t)(dot1 - token));
	c = strict_part(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	ok = h != NULL && c != NULL && json_object_get(h, "crit") == NULL;
	json_decref(h);
	json_decref(c);
	return ok;
}

enum token_status
token_verify(const char *token, time_t now, struct claims *out)
{
	jwt_t *jwt = NULL;
	const char *hdr_alg;
	char *grants = NULL;
	json_t *c = NULL;
	enum token_status st = TOKEN_INVALID;
	unsigned char key[crypto_generichash_BYTES];
	time_t from = 0, until = 0;

	memset(out, 0, sizeof *out);
	/* Never a NULL key: libjwt would skip the signature check altogether. */
	if (token == NULL || *token == '\0' || strlen(token) > 8192 || cfg.jwt_key == NULL ||
	    cfg.jwt_key_len == 0)
		return TOKEN_INVALID;
	/* Every algorithm goes through the cache: even HS256 costs libjwt two base64
	 * decodes, three JSON parses and an OpenSSL HMAC, ~45 µs, against ~1 µs for a hit
	 * (measured with perf under make bench), and a client sends its token again and
	 * again. */
	token_cache_key(token, key);
	if (token_cache_get(key, now, out))
		return TOKEN_OK;
	if (!token_text_strict(token))
		goto out;
	if (jwt_decode(&jwt, token, cfg.jwt_key, (int)cfg.jwt_key_len) != 0 || jwt == NULL)
		goto out;
	/* libjwt takes the algorithm from the token: pin it to the configured one. libjwt
	 * also reads "hs256" as HS256; JWS names are case-sensitive (RFC 7515 4.1.1), so the
	 * header's text must be the exact name too. */
	if (jwt_get_alg(jwt) != lib_alg() || (hdr_alg = jwt_get_header(jwt, "alg")) == NULL ||
	    strcmp(hdr_alg, jwt_alg_str(lib_alg())) != 0)
		goto out;
	grants = jwt_get_grants_json(jwt, NULL);
	if (grants == NULL)
		goto out;
	c = json_loads(grants, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(c) || !check_claims(c, now, out, &from, &until))
		goto out;
	out->json = grants;
	grants = NULL;
	st = TOKEN_OK;
	token_cache_put(key, now, from, until, out);
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
	return token_issue_gen(sub, role, unit_id, 0, ttl, now);
}

char *
token_issue_gen(const char *sub, const char *role, int64_t unit_id, int64_t gen, long ttl,
                time_t now)
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
	if (gen > 0 && jwt_add_grant_int(jwt, "gen", (long)gen))
		goto out;
	if (jwt_set_alg(jwt, lib_alg(), cfg.jwt_sign_key, (int)cfg.jwt_sign_key_len))
		goto out;
	tok = jwt_encode_str(jwt);
out:
	jwt_free(jwt);
	return tok;
}
