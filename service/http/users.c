/* /api/v1/users…: local accounts, managed by the administradora. Passwords arrive in
 * bodies, are hashed here (Argon2id) and never leave the service again. */
#include <stdlib.h>
#include <string.h>

#include "auth/account.h"
#include "auth/password.h"
#include "db/users.h"
#include "http/messages.h"
#include "http/router.h"

static const char *const roles[] = {"administradora", "directores", "ciudadanos", NULL};

static const struct field user_create_fields[] = {
	{"email", F_ANY, F_REQUIRED, 0, 0, NULL},
	{"password", F_ANY, F_REQUIRED, 0, 0, NULL},
	{"name", F_STRING, F_REQUIRED, 1, 200, NULL},
	{"role", F_STRING, F_REQUIRED, 0, 0, roles},
	{"unit_id", F_INT, F_NULLABLE, 1, 9007199254740991LL, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field user_patch_fields[] = {
	{"name", F_STRING, 0, 1, 200, NULL},
	{"role", F_STRING, 0, 0, 0, roles},
	{"unit_id", F_INT, F_NULLABLE, 1, 9007199254740991LL, NULL},
	{"disabled", F_BOOL, 0, 0, 0, NULL},
	{"password", F_ANY, 0, 0, 0, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

/* GET /api/v1/users: a page of accounts, oldest first. */
static void
user_list(struct call *c)
{
	struct db_reply r;
	int64_t limit, after;

	if (!authorize(c, ACT_USER_ADMIN) || !query_page(c, &limit, &after))
		return;
	db_user_list(after, limit, &r);
	reply_db_list(c, &r);
}

/* POST /api/v1/users {email, password, name, role, unit_id?}: an account of any role. */
static void
user_create(struct call *c)
{
	char email[ACCOUNT_EMAIL_MAX + 1], hash[PASSWORD_HASH_MAX], unit[24];
	struct account_rules rules = {email, true, false};
	json_t *u;
	struct db_reply r;

	if (!authorize(c, ACT_USER_ADMIN) ||
	    !body_checked(c, user_create_fields, account_rules, &rules))
		return;
	u = json_object_get(c->body, "unit_id");
	if (!password_hash(json_string_value(json_object_get(c->body, "password")), hash)) {
		reply_problem(c, 503, "service_unavailable", NULL);
		return;
	}
	db_user_create(&c->actor, email, json_string_value(json_object_get(c->body, "name")),
	               json_string_value(json_object_get(c->body, "role")),
	               json_is_integer(u) ? db_int(unit, json_integer_value(u)) : NULL, hash, &r);
	reply_created(c, "/api/v1/users", &r);
}

/* GET /api/v1/users/{id}: one account (where 201 points to; the ETag for If-Match). */
static void
user_get(struct call *c)
{
	struct db_reply r;

	if (!authorize(c, ACT_USER_ADMIN))
		return;
	db_user_get(c->id, &r);
	reply_db(c, 200, &r);
}

/* PATCH /api/v1/users/{id} {name?, role?, unit_id?, disabled?, password?}. */
static void
user_update(struct call *c)
{
	char hash[PASSWORD_HASH_MAX], etag[80], *rest;
	struct account_rules patch_rules = {NULL, true, true};
	const char *pw;
	json_t *copy;
	struct db_reply r;

	if (!authorize(c, ACT_USER_ADMIN) ||
	    !body_checked(c, user_patch_fields, account_rules, &patch_rules))
		return;
	pw = json_string_value(json_object_get(c->body, "password"));
	if (pw && !password_hash(pw, hash)) {
		reply_problem(c, 503, "service_unavailable", NULL);
		return;
	}
	/* The password itself never reaches the database (nor its logs): only the hash. */
	copy = json_copy(c->body);
	json_object_del(copy, "password");
	rest = copy ? json_dumps(copy, JSON_COMPACT) : NULL;
	json_decref(copy);
	if (rest == NULL) {
		reply_problem(c, 503, "service_unavailable", NULL);
		return;
	}
	db_user_update(&c->actor, c->id, rest, pw ? hash : NULL, if_match(c, etag), &r);
	free(rest);
	reply_db(c, 200, &r);
}

const struct route user_routes[] = {
	{"GET", "/api/v1/users", user_list},
	{"POST", "/api/v1/users", user_create},
	{"GET", "/api/v1/users/:id", user_get},
	{"PATCH", "/api/v1/users/:id", user_update},
	ROUTES_END,
};
