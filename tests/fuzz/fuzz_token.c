/* libFuzzer target for service/auth/token.c: token_verify on arbitrary strings (as the
 * Authorization header brings them), with a fixed HS256 configuration set in cfg.
 *
 * Properties (abort when broken): a refused token leaves the claims public with nothing
 * allocated; an accepted token has three parts, the third being the HMAC-SHA256 of the
 * first two under the configured key (checked here with libsodium, independently of
 * libjwt) and a header with alg HS256, and claims that token_verify filled consistently
 * (sub, role, the claims JSON). fuzz_token_claims reaches the claim checks; this target
 * covers the parsing of whatever arrives. */
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

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_jwt_init(0);
	return 0;
}

/* Decodes unpadded base64url strictly into a new NUL-terminated buffer, or NULL. */
static unsigned char *
unb64(const char *s, size_t n, size_t *len)
{
	unsigned char *out = malloc(n + 1);
	const char *end;

	if (out == NULL)
		return NULL;
	if (sodium_base642bin(out, n, s, n, NULL, len, &end,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    end != s + n) {
		free(out);
		return NULL;
	}
	out[*len] = '\0';
	return out;
}

static void
check_accepted(const char *tok, const struct claims *out)
{
	const char *d1 = strchr(tok, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	unsigned char mac[crypto_auth_hmacsha256_BYTES], *sig, *head;
	crypto_auth_hmacsha256_state st;
	size_t siglen = 0, hlen = 0;
	json_t *h, *c;

	CHECK(d1 && d2 && strchr(d2 + 1, '.') == NULL);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)SECRET, strlen(SECRET));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)tok, (size_t)(d2 - tok));
	crypto_auth_hmacsha256_final(&st, mac);
	sig = unb64(d2 + 1, strlen(d2 + 1), &siglen);
	CHECK(sig && siglen == sizeof mac && sodium_memcmp(sig, mac, sizeof mac) == 0);
	free(sig);
	head = unb64(tok, (size_t)(d1 - tok), &hlen);
	CHECK(head != NULL);
	h = json_loads((const char *)head, 0, NULL);
	CHECK(json_is_string(json_object_get(h, "alg")));
	CHECK(strcmp(json_string_value(json_object_get(h, "alg")), "HS256") == 0);
	json_decref(h);
	free(head);
	CHECK(out->json != NULL);
	c = json_loads(out->json, JSON_REJECT_DUPLICATES, NULL);
	CHECK(json_is_object(c));
	CHECK(out->sub[0] != '\0' && memchr(out->sub, '\0', sizeof out->sub) != NULL);
	CHECK(strcmp(out->sub, json_string_value(json_object_get(c, "sub"))) == 0);
	CHECK(out->role != ROLE_PUBLIC);
	CHECK(strcmp(json_string_value(json_object_get(c, "iss")), "rendicion") == 0);
	json_decref(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *tok = malloc(size + 1);
	struct claims out;

	if (tok == NULL)
		return 0;
	memcpy(tok, data, size);
	tok[size] = '\0';
	if (token_verify(tok, NOW, &out) == TOKEN_OK) {
		check_accepted(tok, &out);
		claims_free(&out);
	} else {
		CHECK(out.json == NULL && out.role == ROLE_PUBLIC && out.sub[0] == '\0');
	}
	free(tok);
	return 0;
}
