/* libFuzzer target for service/auth/token.c with structured tokens: the input becomes a
 * JWT signed (by hand, HMAC-SHA256 from libsodium) with the configured HS256 key, so the
 * signature holds and token_verify's own checks (algorithm pin, iss, aud, exp, nbf, iat,
 * sub, role, unit_id) are what the fuzzer explores.
 *
 * Input: one flags byte, then the payload JSON text (or, with flag 0x01, the header JSON
 * text, a newline, and the payload). Flags:
 *   0x01 header from the input (else {"alg":"HS256","typ":"JWT"})
 *   0x02 add iss and aud when missing          0x04 add exp = now + 1 h when missing
 *   0x08 add sub when missing                  0x10 add role "directores" and unit_id 7
 *   0x20 add iat and nbf = now when missing    (0x02..0x20 need the payload to be an
 *        object; it is then written again by jansson)
 *   0x40 sign with another key                 0x80 change a character of the signature
 *
 * Properties (abort when broken):
 *   - a token signed with another key or with a changed signature is never accepted;
 *   - an accepted token has alg HS256 in its header and claims that meet the contract
 *     (checked here independently of token.c): iss, aud (string or list), exp + 60 s
 *     after now, nbf and iat - 60 s not after now, a lifetime (exp − iat, or exp − now)
 *     of at most a day + 60 s, sub of 1..255 bytes, a role, a
 *     director's unit_id > 0, and struct claims agrees with them;
 *   - with the standard header and a payload written by jansson, a token whose claims
 *     meet the contract is accepted (no false rejection). */
#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/token.h"
#include "core/config.h"
#include "fuzz_check.h"
#include "fuzz_jwt.h"

#define OTHER_KEY "Fuzz-hs256-secret-0123456789abcdefghijklmnop" /* first byte changed */
#define LEEWAY 60
#define STD_HEADER "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_jwt_init(LEEWAY); /* the largest JWT_LEEWAY_SECONDS takes */
	return 0;
}

/* Appends the unpadded base64url form of n bytes to out at *o. */
static void
b64url(char *out, size_t *o, const void *p, size_t n)
{
	sodium_bin2base64(out + *o, sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	                  p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	*o += strlen(out + *o);
}

/* A NumericDate as the contract reads it: a number of the years 1970–9999, whole seconds
 * (a real is truncated). Written apart from token.c's numeric_date on purpose. */
static bool
date_of(const json_t *v, __int128 *out)
{
	double d;

	if (!json_is_number(v))
		return false;
	d = json_number_value(v);
	if (!(d >= 0 && d <= 253402300799.0))
		return false;
	*out = json_is_integer(v) ? (__int128)json_integer_value(v) : (__int128)(json_int_t)d;
	return true;
}

/* The contract's verdict on verified claims (independent of token.c). */
static bool
claims_meet_contract(const json_t *c)
{
	const json_t *aud = json_object_get(c, "aud"), *sub = json_object_get(c, "sub");
	const json_t *role = json_object_get(c, "role"), *v;
	__int128 t, exp;
	bool aud_ok = false;
	size_t i;
	json_t *a;

	if (!json_is_object(c))
		return false;
	v = json_object_get(c, "iss");
	if (!json_is_string(v) || strcmp(json_string_value(v), ISSUER) != 0)
		return false;
	if (json_is_string(aud))
		aud_ok = strcmp(json_string_value(aud), AUDIENCE) == 0;
	json_array_foreach(aud, i, a)
		aud_ok |= json_is_string(a) && strcmp(json_string_value(a), AUDIENCE) == 0;
	if (!aud_ok)
		return false;
	if (!date_of(json_object_get(c, "exp"), &exp) || exp + LEEWAY <= NOW)
		return false;
	if ((v = json_object_get(c, "nbf")) && (!date_of(v, &t) || t - LEEWAY > NOW))
		return false;
	t = NOW;
	if ((v = json_object_get(c, "iat")) && (!date_of(v, &t) || t - LEEWAY > NOW))
		return false;
	/* JWT_MAX_LIFETIME_SECONDS (fuzz_jwt.h sets 86400): exp − iat, or exp − now. */
	if (exp - t > 86400 + LEEWAY)
		return false;
	if (!json_is_string(sub) || json_string_length(sub) < 1 || json_string_length(sub) > 255)
		return false;
	if (!json_is_string(role) || json_string_length(role) == 0)
		return false;
	if (strcmp(json_string_value(role), "directores") == 0) {
		v = json_object_get(c, "unit_id");
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return false;
	}
	return true;
}

/* Checks an accepted token: its header and its claims, and what token_verify filled. */
static void
check_accepted(const char *header, const struct claims *out)
{
	json_t *h = json_loads(header, 0, NULL), *c;
	const char *role;

	CHECK(json_is_object(h));
	CHECK(json_is_string(json_object_get(h, "alg")));
	CHECK(strcmp(json_string_value(json_object_get(h, "alg")), "HS256") == 0);
	json_decref(h);
	CHECK(out->json != NULL);
	c = json_loads(out->json, JSON_REJECT_DUPLICATES, NULL);
	CHECK(claims_meet_contract(c));
	CHECK(strcmp(out->sub, json_string_value(json_object_get(c, "sub"))) == 0);
	role = json_string_value(json_object_get(c, "role"));
	CHECK(out->role == role_from_name(role));
	CHECK(out->role != ROLE_PUBLIC);
	if (out->role == ROLE_DIRECTORES)
		CHECK(out->unit_id == json_integer_value(json_object_get(c, "unit_id")));
	else
		CHECK(out->unit_id == 0);
	CHECK(strcmp(out->role_name, out->role == ROLE_OTHER ? "other" : role) == 0);
	json_decref(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned flags;
	char *header = NULL, *payload = NULL, *token = NULL;
	size_t hlen, plen, o = 0;
	const char *rest;
	json_t *obj = NULL;
	bool canonical = false;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	struct claims out;
	enum token_status s;

	if (size < 1 || size > 16384)
		return 0;
	flags = data[0];
	rest = (const char *)data + 1;
	size--;
	if (flags & 0x01) {
		const char *nl = memchr(rest, '\n', size);

		hlen = nl ? (size_t)(nl - rest) : size;
		header = dup_bytes(rest, hlen);
		payload = nl ? dup_bytes(nl + 1, size - hlen - 1) : strdup("{}");
		plen = nl ? size - hlen - 1 : 2;
	} else {
		header = strdup(STD_HEADER);
		payload = dup_bytes(rest, size);
		plen = size;
	}
	if (header == NULL || payload == NULL)
		goto out;
	hlen = strlen(header); /* the header ends at a NUL byte, as libjwt reads it */

	if (flags & 0x3E) {
		obj = json_loadb(payload, plen, JSON_REJECT_DUPLICATES, NULL);
		if (json_is_object(obj)) {
			if (flags & 0x02) {
				if (!json_object_get(obj, "iss"))
					json_object_set_new(obj, "iss", json_string(ISSUER));
				if (!json_object_get(obj, "aud"))
					json_object_set_new(obj, "aud", json_string(AUDIENCE));
			}
			if ((flags & 0x04) && !json_object_get(obj, "exp"))
				json_object_set_new(obj, "exp", json_integer(NOW + 3600));
			if ((flags & 0x08) && !json_object_get(obj, "sub"))
				json_object_set_new(obj, "sub", json_string("fuzz@example.org"));
			if ((flags & 0x10) && !json_object_get(obj, "role"))
				json_object_set_new(obj, "role", json_string("directores"));
			if ((flags & 0x10) && !json_object_get(obj, "unit_id"))
				json_object_set_new(obj, "unit_id", json_integer(7));
			if ((flags & 0x20) && !json_object_get(obj, "iat"))
				json_object_set_new(obj, "iat", json_integer(NOW));
			if ((flags & 0x20) && !json_object_get(obj, "nbf"))
				json_object_set_new(obj, "nbf", json_integer(NOW));
			free(payload);
			payload = json_dumps(obj, JSON_COMPACT);
			if (payload == NULL)
				goto out;
			plen = strlen(payload);
			canonical = !(flags & 0x01);
		}
	}

	token = malloc(2 * (hlen + plen + 64) + 3);
	if (token == NULL)
		goto out;
	b64url(token, &o, header, hlen);
	token[o++] = '.';
	b64url(token, &o, payload, plen);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)SECRET, strlen(SECRET));
	if (flags & 0x40)
		crypto_auth_hmacsha256_init(&st, (const unsigned char *)OTHER_KEY, strlen(OTHER_KEY));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)token, o);
	crypto_auth_hmacsha256_final(&st, mac);
	token[o++] = '.';
	b64url(token, &o, mac, sizeof mac);
	if (flags & 0x80) { /* a data-carrying character of the signature, changed */
		static const char alpha[] =
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		char *c = token + o - 2;

		*c = alpha[(strchr(alpha, *c) - alpha + 4) % 64];
	}

	s = token_verify(token, NOW, &out);
	if (s == TOKEN_OK) {
		CHECK(!(flags & 0xC0));
		check_accepted(header, &out);
		claims_free(&out);
	} else {
		CHECK(out.json == NULL && out.role == ROLE_PUBLIC);
		if (canonical && !(flags & 0xC0) && strlen(token) <= 8192 &&
		    claims_meet_contract(obj)) {
			fprintf(stderr, "fuzz_token_claims: invariant broken: valid claims refused: %s\n",
			        payload);
			abort();
		}
	}
out:
	json_decref(obj);
	free(header);
	free(payload);
	free(token);
	return 0;
}
