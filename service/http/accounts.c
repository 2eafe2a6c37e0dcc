/* /api/v1/me/account: one's own local account (the token's sub "user:<id>"): read it,
 * change the name or the password (with the current one), delete it. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "auth/account.h"
#include "auth/password.h"
#include "db/users.h"
#include "http/router.h"

static const struct field account_patch_fields[] = {
	{"name", F_STRING, F_NAME, 1, 200, NULL},
	{"password", F_ANY, 0, 0, 0, NULL},
	{"current_password", F_ANY, 0, 0, 0, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

/* A new password needs the current one: false (422 at /current_password already
 * answered) when it is missing or wrong; old_hash gets the hash it was checked against. */
static bool
current_password_ok(struct call *c, char old_hash[PASSWORD_HASH_MAX])
{
	const json_t *cur = json_object_get(c->body, "current_password");
	const char *hash = NULL;
	struct db_reply r;
	struct verr v;
	json_t *acct = NULL;
	bool ok = false;

	if (json_is_string(cur) && json_string_length(cur) <= PASSWORD_MAX_BYTES) {
		db_call(&db_me_account_hash, 1, (const char *[]){c->actor.sub}, &r);
		if (r.err != DB_OK) {
			reply_db_error(c, &r, R_account_not_found);
			return false;
		}
		acct = json_loads(r.body, 0, NULL);
		sodium_memzero(r.body, strlen(r.body));
		db_reply_free(&r);
		hash = json_string_value(json_object_get(acct, "hash"));
		ok = hash && strlen(hash) < PASSWORD_HASH_MAX &&
		     password_verify(hash, json_string_value(cur));
		if (ok)
			memcpy(old_hash, hash, strlen(hash) + 1);
		json_decref(acct);
	}
	if (!ok) {
		verr_init(&v);
		verr_add(&v, "/current_password",
		         cur ? "no es la contraseña actual" : "se requiere para cambiar la contraseña",
		         cur ? "is not the current password" : "is required to change the password");
		reply_invalid(c, &v);
		verr_free(&v);
	}
	return ok;
}

/* PATCH /api/v1/me/account {name?, password?, current_password?}. */
static void
account_update(struct call *c)
{
	char hash[PASSWORD_HASH_MAX], old_hash[PASSWORD_HASH_MAX], etag[ETAG_MAX], *rest;
	struct account_rules rules = {NULL, true, true};
	const char *pw;
	struct db_reply r;

	if (!body_checked(c, account_patch_fields, account_rules, &rules, false))
		return;
	pw = json_string_value(json_object_get(c->body, "password"));
	if (pw && !current_password_ok(c, old_hash))
		return;
	rest = account_patch_body(c->body, hash);
	if (rest == NULL) {
		reply_reason(c, R_service_unavailable);
		return;
	}
	db_call(&db_me_account_update, 6, (const char *[]){c->actor.sub, c->actor.role, rest,
	        pw ? hash : NULL, pw ? old_hash : NULL, if_match(c, etag)}, &r);
	free(rest);
	route_answer(c, &r);
}

const struct route account_routes[] = {
	{.method = "GET", .pattern = "/api/v1/me/account", .action = ACT_ME,
	 .stmt = &db_me_account, .args = {A_SUB}, .answer = ANSWER_ONE,
	 .missing = R_account_not_found},
	{.method = "PATCH", .pattern = "/api/v1/me/account", .action = ACT_ME,
	 .handler = account_update, .answer = ANSWER_ONE, .missing = R_account_not_found},
	/* The account goes; its observations stay, without their author. */
	{.method = "DELETE", .pattern = "/api/v1/me/account", .action = ACT_ME,
	 .stmt = &db_me_account_delete, .args = {A_SUB, A_ROLE}, .answer = ANSWER_EMPTY,
	 .missing = R_account_not_found},
	ROUTES_END,
};
