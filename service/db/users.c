/* Accounts and logins: one prepared statement per operation, each a call to its SQL
 * function (migrations/007_accounts.sql). */
#include "db/users.h"

DB_STMT(user_list, "SELECT items::text, next_after::text FROM "
                   "api_user_list($1::bigint, $2::int)");
DB_STMT(user_get, "SELECT b::text, md5(b::text) FROM users u, user_json(u) b WHERE u.id = $1::bigint");
DB_STMT(user_create, DB_WITH_ETAG("api_user_create($1, $2, $3, $4, $5, $6::bigint, $7)"));
DB_STMT(user_register, DB_WITH_ETAG("api_user_register($1, $2, $3)"));
DB_STMT(user_update, DB_WITH_ETAG("api_user_update($1, $2, $3::bigint, $4::jsonb, $5, $6)"));
DB_STMT(login_begin, "SELECT api_login_begin($1)::text");
DB_STMT(login_succeeded, "SELECT api_login_succeeded($1)::text");

void
db_user_list(int64_t after, int64_t limit, struct db_reply *r)
{
	char s_after[24], s_limit[24];
	const char *v[] = {db_int(s_after, after), db_int(s_limit, limit)};

	db_call(&user_list, 2, v, r);
}

void
db_user_get(int64_t id, struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {db_int(s_id, id)};

	db_call(&user_get, 1, v, r);
}

void
db_user_create(const struct actor *a, const char *email, const char *name, const char *role,
               const char *unit_id, const char *hash, struct db_reply *r)
{
	const char *v[] = {a->sub, a->role, email, name, role, unit_id, hash};

	db_call(&user_create, 7, v, r);
}

void
db_user_register(const char *email, const char *name, const char *hash, struct db_reply *r)
{
	const char *v[] = {email, name, hash};

	db_call(&user_register, 3, v, r);
}

void
db_user_update(const struct actor *a, int64_t id, const char *body, const char *hash,
               const char *if_match, struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {a->sub, a->role, db_int(s_id, id), body, hash, if_match};

	db_call(&user_update, 6, v, r);
}

void
db_login_begin(const char *email, struct db_reply *r)
{
	const char *v[] = {email};

	db_call(&login_begin, 1, v, r);
}

void
db_login_succeeded(const char *email, struct db_reply *r)
{
	const char *v[] = {email};

	db_call(&login_succeeded, 1, v, r);
}
