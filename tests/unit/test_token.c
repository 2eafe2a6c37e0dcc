/* Unit tests of token verification with a fixed configuration (cfg set directly): the
 * algorithm pinned to the configured one, signature, exp/nbf/iat with the configured
 * leeway, iss, aud, sub, role, a director's unit_id, and the cache of verified tokens. HS256 tokens are built here
 * with libsodium's HMAC, independently of libjwt; ES256 ones with token_issue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "auth/token.h"
#include "core/config.h"

#define SECRET "unit-test-secret-0123456789abcdefghij"
#define NOW 1700000000L

static const char ec_private[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgAISAANowydEU8MYA\n"
	"V+nLUyv7LS2uSSCaRJ+7bpRC0nihRANCAATWj1z0TE7Xz010BsT1BreC6rl3xRbk\n"
	"A+iqja+pT1LpQ+BpAMefThDuKwtYKDaZtRh4h9g+0lrxRyo5ngxe5fQY\n"
	"-----END PRIVATE KEY-----\n";
static const char ec_public[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE1o9c9ExO189NdAbE9Qa3guq5d8UW\n"
	"5APoqo2vqU9S6UPgaQDHn04Q7isLWCg2mbUYeIfYPtJa8UcqOZ4MXuX0GA==\n"
	"-----END PUBLIC KEY-----\n";
static const char rsa_public[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuoXEaDfFxLveZd4mXpkz\n"
	"n6Ra6PrewceSpoZb/v7e4VE40OwnBsr53N2j+ovfElOODIjhkQJSoJ7WzABena7v\n"
	"83J9fo77v4dYMr7mfp9vBCHD8QirEUbo8dHr3rAJU31FTz355K9UZYHW1vyjhbpt\n"
	"GyIrHWxyB5/ZZ0UmAS2kcrQcHLz4r/2R2vmEajGjwp3rgmvkh9p5qG4ZYLsGYpcc\n"
	"ybI8VuEfxve5mpqXpL/hRNk3ovssD/vVSfJ07wVLcbG5TpHFIMOySNJjqanfh027\n"
	"1fCnfGSe/IhMf3uF1dX0rOhsHyMOUFNXgNBjavtvEnWXcnxnlfgSI1d2jMuYtTel\n"
	"/wIDAQAB\n"
	"-----END PUBLIC KEY-----\n";

static void
use_hs256(void)
{
	cfg.jwt_alg = ALG_HS256;
	cfg.jwt_key = cfg.jwt_sign_key = (unsigned char *)SECRET;
	cfg.jwt_key_len = cfg.jwt_sign_key_len = strlen(SECRET);
	cfg.jwt_issuer = "rendicion";
	cfg.jwt_audience = "rendicion-api";
	cfg.jwt_leeway = 5;
	cfg.jwt_max_lifetime = 86400;
	token_cache_clear();
}

static void
use_key(enum jwt_algo alg, const char *pub, const char *priv)
{
	cfg.jwt_alg = alg;
	cfg.jwt_key = (unsigned char *)pub;
	cfg.jwt_key_len = strlen(pub);
	cfg.jwt_sign_key = (unsigned char *)priv;
	cfg.jwt_sign_key_len = priv ? strlen(priv) : 0;
	cfg.jwt_issuer = "rendicion";
	cfg.jwt_audience = "rendicion-api";
	cfg.jwt_leeway = 5;
	cfg.jwt_max_lifetime = 86400;
	token_cache_clear();
}

static void
b64url(char *out, size_t n, const void *bin, size_t len)
{
	sodium_bin2base64(out, n, bin, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

enum sig { SIG_NONE, SIG_HS256, SIG_HS512 };

/* A compact JWT of header and payload (JSON texts), signed with key by HMAC (or not). */
static char *
jwt(const char *header, const char *payload, enum sig sig, const void *key, size_t keylen)
{
	static char out[8192];
	char h[1024], p[4096], s[200];
	unsigned char mac[crypto_auth_hmacsha512_BYTES];
	size_t n;

	b64url(h, sizeof h, header, strlen(header));
	b64url(p, sizeof p, payload, strlen(payload));
	n = (size_t)snprintf(out, sizeof out, "%s.%s", h, p);
	if (sig == SIG_HS256) {
		crypto_auth_hmacsha256_state st;

		crypto_auth_hmacsha256_init(&st, key, keylen);
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)out, n);
		crypto_auth_hmacsha256_final(&st, mac);
		b64url(s, sizeof s, mac, crypto_auth_hmacsha256_BYTES);
	} else if (sig == SIG_HS512) {
		crypto_auth_hmacsha512_state st;

		crypto_auth_hmacsha512_init(&st, key, keylen);
		crypto_auth_hmacsha512_update(&st, (const unsigned char *)out, n);
		crypto_auth_hmacsha512_final(&st, mac);
		b64url(s, sizeof s, mac, crypto_auth_hmacsha512_BYTES);
	} else {
		s[0] = '\0';
	}
	snprintf(out + n, sizeof out - n, ".%s", s);
	return out;
}

#define HS256_HEADER "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

/* An HS256 token signed with SECRET carrying the given claims. */
static char *
hs256(const char *payload)
{
	return jwt(HS256_HEADER, payload, SIG_HS256, SECRET, strlen(SECRET));
}

/* Claims valid at NOW, with extra members (e.g. ",\"unit_id\":3") appended. */
static char *
claims(const char *role, const char *extra)
{
	static char p[2048];

	snprintf(p, sizeof p,
	         "{\"sub\":\"user:7\",\"role\":\"%s\",\"iss\":\"rendicion\","
	         "\"aud\":\"rendicion-api\",\"iat\":%ld,\"exp\":%ld%s}",
	         role, NOW - 10, NOW + 600, extra);
	return p;
}

static enum token_status
verify(const char *token, struct claims *out)
{
	return token_verify(token, NOW, out);
}

/* token is good at t (its claims are dropped). */
static void
expect_ok_at(const char *token, time_t t)
{
	struct claims c;

	assert_int_equal(token_verify(token, t, &c), TOKEN_OK);
	claims_free(&c);
}

static void
expect_invalid(const char *token)
{
	struct claims c;

	assert_int_equal(verify(token, &c), TOKEN_INVALID);
	assert_int_equal(c.role, ROLE_PUBLIC);
	assert_null(c.json);
}

static void
accepts_a_valid_hs256_token(void **state)
{
	struct claims c;

	use_hs256();
	assert_int_equal(verify(hs256(claims("ciudadanos", "")), &c), TOKEN_OK);
	assert_int_equal(c.role, ROLE_CIUDADANOS);
	assert_string_equal(c.sub, "user:7");
	assert_string_equal(c.role_name, "ciudadanos");
	assert_int_equal(c.unit_id, 0);
	assert_non_null(strstr(c.json, "\"sub\":\"user:7\""));
	claims_free(&c);
}

static void
rejects_alg_none(void **state)
{
	use_hs256();
	expect_invalid(jwt("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims("administradora", ""),
	                   SIG_NONE, NULL, 0));
	/* Even with a (meaningless) HMAC after it. */
	expect_invalid(jwt("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims("administradora", ""),
	                   SIG_HS256, SECRET, strlen(SECRET)));
}

static void
rejects_hs512_when_hs256_is_configured(void **state)
{
	use_hs256();
	expect_invalid(jwt("{\"alg\":\"HS512\",\"typ\":\"JWT\"}", claims("administradora", ""),
	                   SIG_HS512, SECRET, strlen(SECRET)));
}

/* libjwt matches the header's alg without regard to case; the service does not. */
static void
rejects_alg_in_another_case(void **state)
{
	use_hs256();
	expect_invalid(jwt("{\"alg\":\"hs256\",\"typ\":\"JWT\"}", claims("administradora", ""),
	                   SIG_HS256, SECRET, strlen(SECRET)));
	expect_invalid(jwt("{\"alg\":\"Hs256\"}", claims("administradora", ""), SIG_HS256,
	                   SECRET, strlen(SECRET)));
}

static void
rejects_another_secret(void **state)
{
	const char *other = "another-secret-0123456789abcdefghijkl";

	use_hs256();
	expect_invalid(jwt(HS256_HEADER, claims("administradora", ""), SIG_HS256, other,
	                   strlen(other)));
}

static void
rejects_a_payload_swapped_under_a_valid_signature(void **state)
{
	char good[8192], forged[8192], *dot;

	use_hs256();
	snprintf(good, sizeof good, "%s", hs256(claims("ciudadanos", "")));
	/* The administrator's header.payload with the citizen's (valid) signature. */
	snprintf(forged, sizeof forged, "%s", jwt(HS256_HEADER, claims("administradora", ""),
	                                          SIG_NONE, NULL, 0));
	dot = strrchr(forged, '.');
	snprintf(dot, sizeof forged - (size_t)(dot - forged), "%s", strrchr(good, '.'));
	expect_invalid(forged);
}

static void
rejects_malformed_tokens(void **state)
{
	use_hs256();
	expect_invalid("");
	expect_invalid("not-a-jwt");
	expect_invalid("a.b");
	expect_invalid("a.b.c");
	expect_invalid("...");
	expect_invalid(jwt(HS256_HEADER, "[1,2,3]", SIG_HS256, SECRET, strlen(SECRET)));
	expect_invalid(jwt(HS256_HEADER, "not json", SIG_HS256, SECRET, strlen(SECRET)));
	assert_int_equal(token_verify(NULL, NOW, &(struct claims){0}), TOKEN_INVALID);
}

static void
rejects_any_token_without_a_key(void **state)
{
	use_hs256();
	cfg.jwt_key = NULL;
	cfg.jwt_key_len = 0;
	expect_invalid(jwt("{\"alg\":\"none\"}", claims("administradora", ""), SIG_NONE, NULL, 0));
	expect_invalid(hs256(claims("administradora", "")));
}

static const long leeways[] = {0, 5, 60}; /* JWT_LEEWAY_SECONDS: default 5, at most 60 */

/* A time claim (fmt's one %ld) at ok verifies; at bad and far it does not. */
static void
check_time_claim(const char *fmt, long ok, long bad, long far)
{
	char p[512];
	struct claims c;

	snprintf(p, sizeof p, fmt, ok);
	assert_int_equal(verify(hs256(p), &c), TOKEN_OK);
	claims_free(&c);
	snprintf(p, sizeof p, fmt, bad);
	expect_invalid(hs256(p));
	snprintf(p, sizeof p, fmt, far);
	expect_invalid(hs256(p));
}

#define TIME_CLAIMS "{\"sub\":\"s\",\"role\":\"ciudadanos\",\"iss\":\"rendicion\",\"aud\":\"rendicion-api\","

static void
expiry_has_the_configured_leeway(void **state)
{
	use_hs256();
	for (size_t i = 0; i < sizeof leeways / sizeof leeways[0]; i++) {
		cfg.jwt_leeway = leeways[i];
		check_time_claim(TIME_CLAIMS "\"exp\":%ld}", NOW - leeways[i] + 1, NOW - leeways[i],
		                 NOW - 3600);
	}
	cfg.jwt_leeway = 5;
}

/* Issue 17: exp − iat (exp − now without iat) over JWT_MAX_LIFETIME_SECONDS, leeway
 * included, is refused; an exp in the year 9999 was accepted. */
static void
lifetime_has_a_ceiling(void **state)
{
	use_hs256();
	check_time_claim(TIME_CLAIMS "\"iat\":1700000000,\"exp\":%ld}", NOW + 86400 + 5,
	                 NOW + 86400 + 6, 253402300799L);
	check_time_claim(TIME_CLAIMS "\"exp\":%ld}", NOW + 86400 + 5, NOW + 86400 + 6,
	                 253402300799L);
}

static void
rejects_a_token_without_exp(void **state)
{
	use_hs256();
	expect_invalid(hs256("{\"sub\":\"s\",\"role\":\"ciudadanos\",\"iss\":\"rendicion\","
	                     "\"aud\":\"rendicion-api\"}"));
	expect_invalid(hs256("{\"sub\":\"s\",\"role\":\"ciudadanos\",\"iss\":\"rendicion\","
	                     "\"aud\":\"rendicion-api\",\"exp\":\"tomorrow\"}"));
}

static void
not_before_has_the_configured_leeway(void **state)
{
	use_hs256();
	for (size_t i = 0; i < sizeof leeways / sizeof leeways[0]; i++) {
		cfg.jwt_leeway = leeways[i];
		/* exp is NOW + 600 */
		check_time_claim(TIME_CLAIMS "\"exp\":1700000600,\"nbf\":%ld}", NOW + leeways[i],
		                 NOW + leeways[i] + 1, NOW + 3600);
	}
	cfg.jwt_leeway = 5;
}

static void
rejects_a_token_issued_in_the_future(void **state)
{
	char p[512];

	use_hs256();
	snprintf(p, sizeof p, "{\"sub\":\"s\",\"role\":\"ciudadanos\",\"iss\":\"rendicion\","
	                      "\"aud\":\"rendicion-api\",\"iat\":%ld,\"exp\":%ld}",
	         NOW + 600, NOW + 1200);
	expect_invalid(hs256(p));
}

/* Payloads that break one claim rule each (%ld: an exp ten minutes ahead). */
static const char *const out_of_contract[] = {
	/* another issuer, or none */
	"{\"sub\":\"s\",\"role\":\"ciudadanos\",\"iss\":\"someone-else\",\"aud\":\"rendicion-api\",\"exp\":%ld}",
	"{\"sub\":\"s\",\"role\":\"ciudadanos\",\"aud\":\"rendicion-api\",\"exp\":%ld}",
	/* another audience, or none */
	"{\"sub\":\"s\",\"role\":\"ciudadanos\",\"iss\":\"rendicion\",\"aud\":\"other-api\",\"exp\":%ld}",
	"{\"sub\":\"s\",\"role\":\"ciudadanos\",\"iss\":\"rendicion\",\"exp\":%ld}",
	"{\"sub\":\"s\",\"role\":\"ciudadanos\",\"iss\":\"rendicion\",\"aud\":[\"other\"],\"exp\":%ld}",
	/* no subject, or an empty one */
	"{\"role\":\"ciudadanos\",\"iss\":\"rendicion\",\"aud\":\"rendicion-api\",\"exp\":%ld}",
	"{\"sub\":\"\",\"role\":\"ciudadanos\",\"iss\":\"rendicion\",\"aud\":\"rendicion-api\",\"exp\":%ld}",
	/* no role, or not a string */
	"{\"sub\":\"s\",\"iss\":\"rendicion\",\"aud\":\"rendicion-api\",\"exp\":%ld}",
	"{\"sub\":\"s\",\"role\":7,\"iss\":\"rendicion\",\"aud\":\"rendicion-api\",\"exp\":%ld}",
};

static void
rejects_each_claim_out_of_contract(void **state)
{
	char p[512];

	use_hs256();
	for (size_t i = 0; i < sizeof out_of_contract / sizeof *out_of_contract; i++) {
		snprintf(p, sizeof p, out_of_contract[i], NOW + 600);
		expect_invalid(hs256(p));
	}
	expect_invalid(hs256(claims("", "")));
}

static void
accepts_the_audience_within_an_array(void **state)
{
	char p[512];
	struct claims c;

	use_hs256();
	snprintf(p, sizeof p, "{\"sub\":\"s\",\"role\":\"ciudadanos\",\"iss\":\"rendicion\","
	                      "\"aud\":[\"other\",\"rendicion-api\"],\"exp\":%ld}", NOW + 600);
	assert_int_equal(verify(hs256(p), &c), TOKEN_OK);
	claims_free(&c);
}

static void
an_unknown_role_verifies_as_other(void **state)
{
	struct claims c;

	use_hs256();
	assert_int_equal(verify(hs256(claims("superadmin", "")), &c), TOKEN_OK);
	assert_int_equal(c.role, ROLE_OTHER);
	assert_string_equal(c.role_name, "other");
	claims_free(&c);
	/* Case matters: the contract's names are exact. */
	assert_int_equal(verify(hs256(claims("Administradora", "")), &c), TOKEN_OK);
	assert_int_equal(c.role, ROLE_OTHER);
	claims_free(&c);
}

static void
a_director_needs_a_positive_integer_unit_id(void **state)
{
	struct claims c;

	use_hs256();
	expect_invalid(hs256(claims("directores", "")));
	expect_invalid(hs256(claims("directores", ",\"unit_id\":\"3\"")));
	expect_invalid(hs256(claims("directores", ",\"unit_id\":0")));
	expect_invalid(hs256(claims("directores", ",\"unit_id\":-2")));
	expect_invalid(hs256(claims("directores", ",\"unit_id\":null")));
	assert_int_equal(verify(hs256(claims("directores", ",\"unit_id\":3")), &c), TOKEN_OK);
	assert_int_equal(c.role, ROLE_DIRECTORES);
	assert_int_equal(c.unit_id, 3);
	claims_free(&c);
}

static void
other_roles_carry_no_unit(void **state)
{
	struct claims c;

	use_hs256();
	assert_int_equal(verify(hs256(claims("administradora", ",\"unit_id\":3")), &c), TOKEN_OK);
	assert_int_equal(c.unit_id, 0);
	claims_free(&c);
}

static void
issued_hs256_tokens_verify(void **state)
{
	struct claims c;
	char *tok;

	use_hs256();
	tok = token_issue("user:5", "directores", 4, 3600, NOW);
	assert_non_null(tok);
	assert_int_equal(verify(tok, &c), TOKEN_OK);
	assert_string_equal(c.sub, "user:5");
	assert_int_equal(c.role, ROLE_DIRECTORES);
	assert_int_equal(c.unit_id, 4);
	claims_free(&c);
	assert_int_equal(token_verify(tok, NOW + 3600 + 61, &c), TOKEN_INVALID);
	free(tok);
}

static void
rejects_hs256_signed_with_the_rsa_public_key(void **state)
{
	use_key(ALG_RS256, rsa_public, NULL);
	expect_invalid(jwt(HS256_HEADER, claims("administradora", ""), SIG_HS256, rsa_public,
	                   strlen(rsa_public)));
	expect_invalid(jwt("{\"alg\":\"none\"}", claims("administradora", ""), SIG_NONE, NULL, 0));
}

static void
es256_tokens_verify_with_the_public_key(void **state)
{
	struct claims c;
	char *tok;

	use_key(ALG_ES256, ec_public, ec_private);
	tok = token_issue("idp|42", "administradora", 0, 3600, NOW);
	assert_non_null(tok);
	assert_int_equal(verify(tok, &c), TOKEN_OK);
	assert_int_equal(c.role, ROLE_ADMIN);
	assert_string_equal(c.sub, "idp|42");
	claims_free(&c);
	free(tok);
}

static void
es256_rejects_hs256_signed_with_the_public_key(void **state)
{
	use_key(ALG_ES256, ec_public, NULL);
	expect_invalid(jwt(HS256_HEADER, claims("administradora", ""), SIG_HS256, ec_public,
	                   strlen(ec_public)));
}

static void
rs256_configuration_rejects_es256_tokens(void **state)
{
	char *tok;

	use_key(ALG_ES256, ec_public, ec_private);
	tok = token_issue("s", "ciudadanos", 0, 3600, NOW);
	assert_non_null(tok);
	use_key(ALG_RS256, rsa_public, NULL);
	expect_invalid(tok);
	free(tok);
}

static void
verified_es256_tokens_are_cached(void **state)
{
	struct claims c;
	unsigned long long hits, misses;
	char *tok;

	use_key(ALG_ES256, ec_public, ec_private);
	tok = token_issue("user:9", "directores", 2, 3600, NOW);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(verify(tok, &c), TOKEN_OK);
		assert_int_equal(c.unit_id, 2);
		assert_string_equal(c.sub, "user:9");
		assert_non_null(c.json);
		claims_free(&c);
	}
	token_cache_stats(&hits, &misses);
	assert_int_equal(misses, 1);
	assert_int_equal(hits, 2);
	free(tok);
}

static void
verified_hs256_tokens_are_cached_and_forged_ones_never(void **state)
{
	struct claims c;
	unsigned long long hits, misses;
	char *tok;

	use_hs256();
	tok = hs256(claims("administradora", ""));
	for (int i = 0; i < 3; i++) {
		assert_int_equal(verify(tok, &c), TOKEN_OK);
		assert_int_equal(c.role, ROLE_ADMIN);
		claims_free(&c);
	}
	token_cache_stats(&hits, &misses);
	assert_int_equal(misses, 1);
	assert_int_equal(hits, 2);
	/* the same token with a changed signature is another key: verified, and refused */
	tok[strlen(tok) - 2] = tok[strlen(tok) - 2] == 'A' ? 'B' : 'A';
	expect_invalid(tok);
	expect_invalid(tok);
	token_cache_stats(&hits, &misses);
	assert_int_equal(hits, 2);
}

static void
a_cached_token_still_expires(void **state)
{
	struct claims c;
	char *tok;

	use_key(ALG_ES256, ec_public, ec_private);
	tok = token_issue("user:9", "ciudadanos", 0, 120, NOW);
	expect_ok_at(tok, NOW);
	expect_ok_at(tok, NOW + 120 + 4); /* 5 s of leeway */
	assert_int_equal(token_verify(tok, NOW + 120 + 5, &c), TOKEN_INVALID);
	/* Nor is it good before it was issued. */
	assert_int_equal(token_verify(tok, NOW - 6, &c), TOKEN_INVALID);
	free(tok);
}

static void
the_cache_keeps_an_entry_at_most_5_minutes(void **state)
{
	unsigned long long hits, misses;
	char *tok;

	use_key(ALG_ES256, ec_public, ec_private);
	tok = token_issue("user:9", "ciudadanos", 0, 3600, NOW);
	expect_ok_at(tok, NOW);
	expect_ok_at(tok, NOW + 301);
	token_cache_stats(&hits, &misses);
	assert_int_equal(hits, 0);
	assert_int_equal(misses, 2);
	free(tok);
}

static void
a_cached_token_is_rechecked_under_another_configuration(void **state)
{
	char *tok;

	use_key(ALG_ES256, ec_public, ec_private);
	tok = token_issue("user:9", "ciudadanos", 0, 3600, NOW);
	expect_ok_at(tok, NOW);
	cfg.jwt_audience = "another-api";
	expect_invalid(tok);
	cfg.jwt_audience = "rendicion-api";
	cfg.jwt_issuer = "another-issuer";
	expect_invalid(tok);
	free(tok);
}

static void
the_cache_stays_bounded_and_correct_under_many_tokens(void **state)
{
	struct claims c;
	char sub[32], *tok[1100];

	use_key(ALG_ES256, ec_public, ec_private);
	for (int i = 0; i < 1100; i++) {
		snprintf(sub, sizeof sub, "user:%d", i);
		tok[i] = token_issue(sub, "ciudadanos", 0, 3600, NOW);
		assert_int_equal(verify(tok[i], &c), TOKEN_OK);
		claims_free(&c);
	}
	for (int i = 0; i < 1100; i++) {
		snprintf(sub, sizeof sub, "user:%d", i);
		assert_int_equal(verify(tok[i], &c), TOKEN_OK);
		assert_string_equal(c.sub, sub);
		claims_free(&c);
		free(tok[i]);
	}
}

static void
role_names_map_both_ways(void **state)
{
	assert_int_equal(role_from_name("ciudadanos"), ROLE_CIUDADANOS);
	assert_int_equal(role_from_name("directores"), ROLE_DIRECTORES);
	assert_int_equal(role_from_name("administradora"), ROLE_ADMIN);
	assert_int_equal(role_from_name("admin"), ROLE_OTHER);
	assert_int_equal(role_from_name(""), ROLE_OTHER);
	assert_string_equal(role_name(ROLE_ADMIN), "administradora");
	assert_string_equal(role_name(ROLE_PUBLIC), "");
}

static int
teardown(void **state)
{
	token_cache_clear();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_a_valid_hs256_token),
		cmocka_unit_test(rejects_alg_none),
		cmocka_unit_test(rejects_alg_in_another_case),
		cmocka_unit_test(rejects_hs512_when_hs256_is_configured),
		cmocka_unit_test(rejects_another_secret),
		cmocka_unit_test(rejects_a_payload_swapped_under_a_valid_signature),
		cmocka_unit_test(rejects_malformed_tokens),
		cmocka_unit_test(rejects_any_token_without_a_key),
		cmocka_unit_test(expiry_has_the_configured_leeway),
		cmocka_unit_test(rejects_a_token_without_exp),
		cmocka_unit_test(lifetime_has_a_ceiling),
		cmocka_unit_test(not_before_has_the_configured_leeway),
		cmocka_unit_test(rejects_a_token_issued_in_the_future),
		cmocka_unit_test(rejects_each_claim_out_of_contract),
		cmocka_unit_test(accepts_the_audience_within_an_array),
		cmocka_unit_test(an_unknown_role_verifies_as_other),
		cmocka_unit_test(a_director_needs_a_positive_integer_unit_id),
		cmocka_unit_test(other_roles_carry_no_unit),
		cmocka_unit_test(issued_hs256_tokens_verify),
		cmocka_unit_test(rejects_hs256_signed_with_the_rsa_public_key),
		cmocka_unit_test(es256_tokens_verify_with_the_public_key),
		cmocka_unit_test(es256_rejects_hs256_signed_with_the_public_key),
		cmocka_unit_test(rs256_configuration_rejects_es256_tokens),
		cmocka_unit_test(verified_es256_tokens_are_cached),
		cmocka_unit_test(verified_hs256_tokens_are_cached_and_forged_ones_never),
		cmocka_unit_test(a_cached_token_still_expires),
		cmocka_unit_test(the_cache_keeps_an_entry_at_most_5_minutes),
		cmocka_unit_test(a_cached_token_is_rechecked_under_another_configuration),
		cmocka_unit_test(the_cache_stays_bounded_and_correct_under_many_tokens),
		cmocka_unit_test(role_names_map_both_ways),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, teardown);
}
