/* /api/v1/auth…: local accounts obtain tokens, citizens register, verify their address
 * and reset a forgotten password (the links come by mail: service/notify/). Tokens name
 * the account as sub "user:<id>" (ids never change, emails may), with its role and a
 * director's unit_id. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <time.h>

#include "auth/account.h"
#include "auth/password.h"
#include "auth/revoke.h"
#include "core/buf.h"
#include "core/config.h"
#include "db/users.h"
#include "http/router.h"

static const struct field login_fields[] = {
	{"email", F_ANY, F_REQUIRED, 0, 0, NULL},
	{"password", F_ANY, F_REQUIRED, 0, 0, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field register_fields[] = {
	{"email", F_ANY, F_REQUIRED, 0, 0, NULL},
	{"password", F_ANY, F_REQUIRED, 0, 0, NULL},
	{"name", F_STRING, F_REQUIRED | F_NAME, 1, 200, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field token_fields[] = {
	{"token", F_STRING, F_REQUIRED, 1, 200, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field reset_fields[] = {
	{"email", F_ANY, F_REQUIRED, 0, 0, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field reset_confirm_fields[] = {
	{"token", F_STRING, F_REQUIRED, 1, 200, NULL},
	{"password", F_ANY, F_REQUIRED, 0, 0, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

/* Whether addr (text) is one of the comma-separated addresses of list. */
static bool
listed(const char *list, const char *addr)
{
	size_t len = strlen(addr);

	while (*list) {
		size_t n = strcspn(list, ",");

		if (n == len && strncmp(list, addr, n) == 0)
			return true;
		list += n + (list[n] == ',');
	}
	return false;
}

/* The client's address as text ("?" when unknown): what the login throttle and the
 * registration limit count by. Behind a proxy named in TRUSTED_PROXIES, the address its
 * X-Real-IP header gives (a proxy that sets it, replacing what the client sent). */
static void
client_address(const struct call *c, char out[INET6_ADDRSTRLEN])
{
	const struct sockaddr *sa = c->req->client_address;
	const char *real;
	unsigned char bin[sizeof(struct in6_addr)];

	snprintf(out, INET6_ADDRSTRLEN, "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
		          INET6_ADDRSTRLEN);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
		          INET6_ADDRSTRLEN);
	if (!*cfg.trusted_proxies || !listed(cfg.trusted_proxies, out))
		return;
	real = header(c, "X-Real-IP");
	if (real && inet_pton(AF_INET, real, bin) == 1)
		inet_ntop(AF_INET, bin, out, INET6_ADDRSTRLEN);
	else if (real && inet_pton(AF_INET6, real, bin) == 1)
		inet_ntop(AF_INET6, bin, out, INET6_ADDRSTRLEN);
}

/* Answers {access_token, token_type, expires_in} for an account. */
static void
reply_token(struct call *c, json_int_t id, const char *role, json_int_t unit_id,
            json_int_t gen)
{
	char sub[32], *tok;
	struct buf b = BUF_INIT;

	snprintf(sub, sizeof sub, "user:%lld", (long long)id);
	tok = token_issue_gen(sub, role, unit_id, gen, cfg.token_ttl, time(NULL));
	if (tok == NULL) {
		reply_reason(c, R_internal_error);
		return;
	}
	buf_puts(&b, "{\"access_token\":");
	buf_json_str(&b, tok);
	buf_printf(&b, ",\"token_type\":\"Bearer\",\"expires_in\":%ld}", cfg.token_ttl);
	free(tok);
	if (b.oom) {
		buf_free(&b);
		reply_reason(c, R_internal_error);
		return;
	}
	reply_json_owned(c, 200, buf_take(&b));
}

/* POST /api/v1/auth/token {email, password}: a token for a local account. Unknown email,
 * wrong password and disabled account get the same 401 after the same Argon2id work.
 * Every attempt counts towards the throttle of the email from this client address, and
 * of the address (429 with Retry-After; migrations/functions/18_users.sql), until one
 * succeeds. */
static void
auth_token(struct call *c)
{
	char email[ACCOUNT_EMAIL_MAX + 1];
	struct account_rules rules = {email, false, false};
	struct db_reply r, end;
	char addr[INET6_ADDRSTRLEN];
	const char *v[2] = {email, addr};
	json_t *acct = NULL;
	json_int_t id = 0, unit_id = 0;
	const char *hash = NULL, *role = NULL;
	bool ok;

	if (cfg.jwt_sign_key == NULL) {
		reply_reason(c, R_tokens_not_issued);
		return;
	}
	if (!body_checked(c, login_fields, account_rules, &rules, false))
		return;
	client_address(c, addr);
	db_call(&db_login_begin, 2, v, &r);
	if (r.err != DB_OK) {
		reply_db_error(c, &r, R_not_found);
		return;
	}
	/* Members are null for an unknown email: then hash stays NULL (a dummy check). */
	acct = json_loads(r.body, 0, NULL);
	id = json_integer_value(json_object_get(acct, "id"));
	unit_id = json_integer_value(json_object_get(acct, "unit_id"));
	role = json_string_value(json_object_get(acct, "role"));
	hash = json_string_value(json_object_get(acct, "hash"));
	ok = password_verify(hash, json_string_value(json_object_get(c->body, "password")));
	ok = ok && id > 0 && role != NULL && !json_is_true(json_object_get(acct, "disabled"));
	if (!ok) {
		reply_reason(c, R_bad_credentials);
	} else if (json_is_false(json_object_get(acct, "verified"))) {
		/* Only the owner of the password learns this: it tells nobody else anything. */
		reply_reason(c, R_account_not_verified);
	} else {
		db_call(&db_login_succeeded, 2, v, &end);
		if (end.err != DB_OK) {
			reply_db_error(c, &end, R_not_found);
		} else {
			db_reply_free(&end);
			reply_token(c, id, role, unit_id,
			            json_integer_value(json_object_get(acct, "token_gen")));
		}
	}
	json_decref(acct);
	if (r.body)
		sodium_memzero(r.body, strlen(r.body));
	db_reply_free(&r);
}

/* Counts a request of the client address against stmt's hourly limit
 * (REGISTRATIONS_PER_HOUR; 429 with Retry-After when over). */
static bool
address_allowed(struct call *c, struct db_stmt *stmt)
{
	char addr[INET6_ADDRSTRLEN], limit[16];
	struct db_reply r;

	client_address(c, addr);
	snprintf(limit, sizeof limit, "%d", cfg.regs_per_hour);
	db_call(stmt, 2, (const char *[]){addr, limit}, &r);
	if (r.err != DB_OK) {
		reply_db_error(c, &r, R_not_found);
		return false;
	}
	db_reply_free(&r);
	return true;
}

/* Answers 202 with the statement's body (the same whatever the email), or its problem. */
static void
reply_accepted(struct call *c, struct db_reply *r)
{
	if (r->err != DB_OK) {
		reply_db_error(c, r, R_not_found);
		return;
	}
	reply_json_owned(c, 202, r->body);
	r->body = NULL;
	db_reply_free(r);
}

/* POST /api/v1/auth/register {email, password, name}: a citizen's account, or, for a
 * known email, a mail to its owner; 202 with the same body either way. The password is
 * hashed either way, so the time does not tell either. */
static void
auth_register(struct call *c)
{
	char email[ACCOUNT_EMAIL_MAX + 1], hash[PASSWORD_HASH_MAX];
	struct account_rules rules = {email, true, false};
	struct db_reply r;

	if (!body_checked(c, register_fields, account_rules, &rules, false))
		return;
	/* Per client address, before the Argon2id work (REGISTRATIONS_PER_HOUR). */
	if (!address_allowed(c, &db_registration_allowed))
		return;
	if (!password_hash(json_string_value(json_object_get(c->body, "password")), hash)) {
		reply_reason(c, R_service_unavailable);
		return;
	}
	db_call(&db_user_register, 3, (const char *[]){email,
	        json_string_value(json_object_get(c->body, "name")), hash}, &r);
	reply_accepted(c, &r);
}

/* POST /api/v1/auth/password-reset {email}: 202 always; a mail with a reset link when
 * the account exists (limited per client address like registrations). */
static void
auth_password_reset(struct call *c)
{
	char email[ACCOUNT_EMAIL_MAX + 1];
	struct account_rules rules = {email, false, false};
	struct db_reply r;

	if (!body_checked(c, reset_fields, account_rules, &rules, false) ||
	    !address_allowed(c, &db_password_reset_allowed))
		return;
	db_call(&db_password_reset_request, 1, (const char *[]){email}, &r);
	reply_accepted(c, &r);
}

/* POST /api/v1/auth/password-reset/confirm {token, password}: 204, the link used up. */
static void
auth_password_reset_confirm(struct call *c)
{
	char hash[PASSWORD_HASH_MAX];
	struct account_rules rules = {NULL, true, false};
	struct db_reply r;

	if (!body_checked(c, reset_confirm_fields, account_rules, &rules, false))
		return;
	if (!password_hash(json_string_value(json_object_get(c->body, "password")), hash)) {
		reply_reason(c, R_service_unavailable);
		return;
	}
	db_call(&db_password_reset_confirm, 2, (const char *[]){
	        json_string_value(json_object_get(c->body, "token")), hash}, &r);
	route_answer(c, &r);
}

/* POST /api/v1/auth/logout: the presented token stops working (auth/revoke.h) until it
 * expires, on every instance within REVOKE_REFRESH_SECONDS, on this one at once. */
static void
auth_logout(struct call *c)
{
	const char *h = header(c, "Authorization");
	char hex[65], exp[24];
	struct db_reply r;

	if (c->who.role == ROLE_PUBLIC || h == NULL) {
		deny(c);
		return;
	}
	revoke_token_hash(h + 7, hex);
	snprintf(exp, sizeof exp, "%lld", (long long)c->who.exp);
	db_call(&db_logout, 2, (const char *[]){hex, exp}, &r);
	revoke_invalidate();
	route_answer(c, &r);
}

/* An email, a password and a name fit in a few KB: a larger body is refused before it
 * is read, so it never waits for a password hash (issue 17: 250 logins padded with 1 MB
 * of blanks took the service from 66 to 588 MB). */
#define AUTH_BODY_MAX 8192

/* Open to anyone (ACT_READ): logging in and registering need no role. */
const struct route auth_routes[] = {
	{.method = "POST", .pattern = "/api/v1/auth/token", .action = ACT_READ,
	 .handler = auth_token, .body_max = AUTH_BODY_MAX},
	{.method = "POST", .pattern = "/api/v1/auth/register", .action = ACT_READ,
	 .handler = auth_register, .body_max = AUTH_BODY_MAX},
	/* The link of a verification mail: the account works from now on. */
	{.method = "POST", .pattern = "/api/v1/auth/verify", .action = ACT_READ,
	 .body = token_fields, .stmt = &db_user_verify, .args = {A_BODY},
	 .answer = ANSWER_EMPTY, .body_max = AUTH_BODY_MAX},
	{.method = "POST", .pattern = "/api/v1/auth/password-reset", .action = ACT_READ,
	 .handler = auth_password_reset, .body_max = AUTH_BODY_MAX},
	{.method = "POST", .pattern = "/api/v1/auth/password-reset/confirm", .action = ACT_READ,
	 .handler = auth_password_reset_confirm, .answer = ANSWER_EMPTY, .body_max = AUTH_BODY_MAX},
	{.method = "POST", .pattern = "/api/v1/auth/logout", .action = ACT_ME,
	 .handler = auth_logout, .answer = ANSWER_EMPTY},
	ROUTES_END,
};
