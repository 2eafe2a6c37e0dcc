/* /api/v1/users…: local accounts, managed by the administradora. Passwords arrive in
 * bodies, are hashed here (Argon2id) and never leave the service again. */
#include <stdlib.h>
#include <string.h>

#include "auth/account.h"
#include "auth/password.h"
#include "db/users.h"
#include "http/router.h"

static const char *const roles[] = {"administradora", "directores", "ciudadanos", NULL};

static const struct field user_create_fields[] = {
	{"email", F_ANY, F_REQUIRED, 0, 0, NULL},
	{"password", F_ANY, F_REQUIRED, 0, 0, NULL},
	{"name", F_STRING, F_REQUIRED | F_NAME, 1, 200, NULL},
	{"role", F_STRING, F_REQUIRED, 0, 0, roles},
	{"unit_id", F_INT, F_NULLABLE, 1, ID_MAX, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field user_patch_fields[] = {
	{"name", F_STRING, F_NAME, 1, 200, NULL},
	{"role", F_STRING, 0, 0, 0, roles},
	{"unit_id", F_INT, F_NULLABLE, 1, ID_MAX, NULL},
	{"disabled", F_BOOL, 0, 0, 0, NULL},
	{"password", F_ANY, 0, 0, 0, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

/* A member of the (validated) body as text; NULL when absent or null. */
static const char *
member(const struct call *c, const char *name)
{
	return json_string_value(json_object_get(c->body, name));
}

/* POST /api/v1/users {email, password, name, role, unit_id?}: an account of any role. */
static void
user_create(struct call *c)
{
	char email[ACCOUNT_EMAIL_MAX + 1], hash[PASSWORD_HASH_MAX], unit[INT_TEXT_MAX];
	struct account_rules rules = {email, true, false};
	struct db_reply r;
	json_t *u;

	if (!body_checked(c, user_create_fields, account_rules, &rules, false))
		return;
	if (!password_hash(member(c, "password"), hash)) {
		reply_reason(c, R_service_unavailable);
		return;
	}
	u = json_object_get(c->body, "unit_id");
	db_call(&db_user_create, 7, (const char *[]){c->actor.sub, c->actor.role, email,
	        member(c, "name"), member(c, "role"),
	        json_is_integer(u) ? db_int(unit, json_integer_value(u)) : NULL, hash}, &r);
	route_answer(c, &r);
}

/* PATCH /api/v1/users/{id} {name?, role?, unit_id?, disabled?, password?}. */
static void
user_update(struct call *c)
{
	char hash[PASSWORD_HASH_MAX], etag[ETAG_MAX], id[INT_TEXT_MAX], *rest;
	struct account_rules patch_rules = {NULL, true, true};
	struct db_reply r;

	if (!body_checked(c, user_patch_fields, account_rules, &patch_rules, false))
		return;
	rest = account_patch_body(c->body, hash);
	if (rest == NULL) {
		reply_reason(c, R_service_unavailable);
		return;
	}
	db_call(&db_user_update, 6, (const char *[]){c->actor.sub, c->actor.role,
	        db_int(id, c->id), rest, hash[0] ? hash : NULL, if_match(c, etag)}, &r);
	free(rest);
	route_answer(c, &r);
}

const struct route user_routes[] = {
	/* A page of accounts, oldest first. */
	{.method = "GET", .pattern = "/api/v1/users", .action = ACT_USER_ADMIN, .paged = true,
	 .stmt = &db_user_list, .args = {A_AFTER, A_LIMIT}, .answer = ANSWER_LIST},
	{.method = "POST", .pattern = "/api/v1/users", .action = ACT_USER_ADMIN,
	 .handler = user_create, .answer = ANSWER_CREATED, .location = "/api/v1/users"},
	/* One account (where 201 points to; the ETag for If-Match). */
	{.method = "GET", .pattern = "/api/v1/users/:id", .action = ACT_USER_ADMIN,
	 .stmt = &db_user_get, .args = {A_ID}, .answer = ANSWER_ONE, .missing = R_user_not_found},
	{.method = "PATCH", .pattern = "/api/v1/users/:id", .action = ACT_USER_ADMIN,
	 .handler = user_update, .answer = ANSWER_ONE, .missing = R_user_not_found},
	ROUTES_END,
};
