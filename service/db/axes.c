/* Axes: one prepared statement per operation, each a call to its SQL function. */
#include "db/axes.h"

DB_STMT(axis_list, "SELECT items::text, next_after::text FROM "
                   "api_axis_list($1::boolean, $2::bigint, $3::bigint, $4::int)");
DB_STMT(axis_get, "SELECT b::text, md5(b::text) FROM axes x "
                  "CROSS JOIN LATERAL axis_json(x.id) b "
                  "WHERE x.id = $1::bigint AND plan_visible(x.plan_id, $2::boolean)");
DB_STMT(axis_create, DB_WITH_ETAG("api_axis_create($1, $2, $3::bigint, $4::jsonb)"));
DB_STMT(axis_update, DB_WITH_ETAG("api_axis_update($1, $2, $3::bigint, $4::jsonb, $5)"));
DB_STMT(axis_delete, DB_WITH_ETAG("api_axis_delete($1, $2, $3::bigint)"));

void
db_axis_list(const struct actor *a, int64_t plan, int64_t after, int64_t limit,
             struct db_reply *r)
{
	char s_plan[24], s_after[24], s_limit[24];
	const char *v[] = {db_bool(a->staff), db_int(s_plan, plan), db_int(s_after, after),
	                   db_int(s_limit, limit)};

	db_call(&axis_list, 4, v, r);
}

void
db_axis_get(const struct actor *a, int64_t id, struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {db_int(s_id, id), db_bool(a->staff)};

	db_call(&axis_get, 2, v, r);
}

void
db_axis_create(const struct actor *a, int64_t plan, const char *body, struct db_reply *r)
{
	char s_plan[24];
	const char *v[] = {a->sub, a->role, db_int(s_plan, plan), body};

	db_call(&axis_create, 4, v, r);
}

void
db_axis_update(const struct actor *a, int64_t id, const char *body, const char *if_match,
               struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {a->sub, a->role, db_int(s_id, id), body, if_match};

	db_call(&axis_update, 5, v, r);
}

void
db_axis_delete(const struct actor *a, int64_t id, struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {a->sub, a->role, db_int(s_id, id)};

	db_call(&axis_delete, 3, v, r);
}
