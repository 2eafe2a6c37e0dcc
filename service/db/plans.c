/* Plans: one prepared statement per operation, each a call to its SQL function
 * (migrations/003_plans.sql), returning the body and its ETag. */
#include "db/plans.h"

/* A keyset page: one row more than asked tells whether another page follows. */
DB_STMT(plan_list,
	"WITH page AS ("
	"  SELECT p FROM plans p"
	"  WHERE ($1::boolean OR p.status <> 'draft')"
	"    AND ($2::int IS NULL OR p.year = $2::int)"
	"    AND ($3::text IS NULL OR p.status = $3::text)"
	"    AND p.id > $4::bigint"
	"  ORDER BY p.id LIMIT $5::int + 1),"
	" numbered AS (SELECT p, row_number() OVER (ORDER BY (p).id) AS n FROM page)"
	" SELECT coalesce(json_agg(plan_json(p) ORDER BY n) FILTER (WHERE n <= $5::int), '[]')::text,"
	"        (max((p).id) FILTER (WHERE n = $5::int AND (SELECT count(*) FROM page) > $5::int))::text"
	" FROM numbered");
DB_STMT(plan_get, "SELECT b::text, md5(b::text) FROM plan_full_json($1::bigint) b "
                  "JOIN plans p ON p.id = $1::bigint AND ($2::boolean OR p.status <> 'draft')");
DB_STMT(plan_create, DB_WITH_ETAG("api_plan_create($1, $2, $3::jsonb)"));
DB_STMT(plan_update, DB_WITH_ETAG("api_plan_update($1, $2, $3::bigint, $4::jsonb, $5)"));
DB_STMT(plan_delete, DB_WITH_ETAG("api_plan_delete($1, $2, $3::bigint)"));
DB_STMT(plan_approve, DB_WITH_ETAG("api_plan_approve($1, $2, $3::bigint, $4::jsonb)"));
DB_STMT(plan_close, DB_WITH_ETAG("api_plan_close($1, $2, $3::bigint)"));
DB_STMT(plan_document, DB_WITH_ETAG("plan_document($1::bigint, $2::boolean)"));
DB_STMT(plan_import, DB_WITH_ETAG("api_plan_import($1, $2, $3::jsonb, $4::boolean)"));

void
db_plan_list(const struct actor *a, const char *year, const char *status, int64_t after,
             int64_t limit, struct db_reply *r)
{
	char s_after[24], s_limit[24];
	const char *v[] = {db_bool(a->staff), year, status, db_int(s_after, after),
	                   db_int(s_limit, limit)};

	db_call(&plan_list, 5, v, r);
}

void
db_plan_get(const struct actor *a, int64_t id, struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {db_int(s_id, id), db_bool(a->staff)};

	db_call(&plan_get, 2, v, r);
}

void
db_plan_create(const struct actor *a, const char *body, struct db_reply *r)
{
	const char *v[] = {a->sub, a->role, body};

	db_call(&plan_create, 3, v, r);
}

void
db_plan_update(const struct actor *a, int64_t id, const char *body, const char *if_match,
               struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {a->sub, a->role, db_int(s_id, id), body, if_match};

	db_call(&plan_update, 5, v, r);
}

void
db_plan_delete(const struct actor *a, int64_t id, struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {a->sub, a->role, db_int(s_id, id)};

	db_call(&plan_delete, 3, v, r);
}

void
db_plan_approve(const struct actor *a, int64_t id, const char *body, struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {a->sub, a->role, db_int(s_id, id), body};

	db_call(&plan_approve, 4, v, r);
}

void
db_plan_close(const struct actor *a, int64_t id, struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {a->sub, a->role, db_int(s_id, id)};

	db_call(&plan_close, 3, v, r);
}

void
db_plan_document(const struct actor *a, int64_t id, struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {db_int(s_id, id), db_bool(a->staff)};

	db_call(&plan_document, 2, v, r);
}

void
db_plan_import(const struct actor *a, const char *doc, bool unless_exists, struct db_reply *r)
{
	const char *v[] = {a->sub, a->role, doc, db_bool(unless_exists)};

	db_call(&plan_import, 4, v, r);
}
