/* Units: one prepared statement per operation, each a call to its SQL function. */
#include "db/units.h"

DB_STMT(unit_list, "SELECT items::text, next_after::text FROM api_unit_list($1::bigint, $2::int)");
DB_STMT(unit_get, DB_WITH_ETAG("unit_json($1::bigint)"));
DB_STMT(unit_create, DB_WITH_ETAG("api_unit_create($1, $2, $3::jsonb)"));
DB_STMT(unit_update, DB_WITH_ETAG("api_unit_update($1, $2, $3::bigint, $4::jsonb, $5)"));

void
db_unit_list(int64_t after, int64_t limit, struct db_reply *r)
{
	char s_after[24], s_limit[24];
	const char *v[] = {db_int(s_after, after), db_int(s_limit, limit)};

	db_call(&unit_list, 2, v, r);
}

void
db_unit_get(int64_t id, struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {db_int(s_id, id)};

	db_call(&unit_get, 1, v, r);
}

void
db_unit_create(const struct actor *a, const char *body, struct db_reply *r)
{
	const char *v[] = {a->sub, a->role, body};

	db_call(&unit_create, 3, v, r);
}

void
db_unit_update(const struct actor *a, int64_t id, const char *body, const char *if_match,
               struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {a->sub, a->role, db_int(s_id, id), body, if_match};

	db_call(&unit_update, 5, v, r);
}
