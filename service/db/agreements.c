/* Agreements: one prepared statement per operation, each a call to its SQL function. */
#include "db/agreements.h"

DB_STMT(agreement_list, "SELECT items::text, next_after::text FROM "
                        "api_agreement_list($1::boolean, $2::bigint, $3::bigint, $4::int)");
DB_STMT(agreement_get, "SELECT b::text, md5(b::text) FROM agreements g "
                       "JOIN axes x ON x.id = g.axis_id "
                       "CROSS JOIN LATERAL agreement_json(g.id) b "
                       "WHERE g.id = $1::bigint AND plan_visible(x.plan_id, $2::boolean)");
DB_STMT(agreement_create, DB_WITH_ETAG("api_agreement_create($1, $2, $3::bigint, $4::jsonb)"));
DB_STMT(agreement_update, DB_WITH_ETAG("api_agreement_update($1, $2, $3::bigint, $4::jsonb, $5)"));
DB_STMT(agreement_delete, DB_WITH_ETAG("api_agreement_delete($1, $2, $3::bigint)"));

void
db_agreement_list(const struct actor *a, int64_t axis, int64_t after, int64_t limit,
                  struct db_reply *r)
{
	char s_axis[24], s_after[24], s_limit[24];
	const char *v[] = {db_bool(a->staff), db_int(s_axis, axis), db_int(s_after, after),
	                   db_int(s_limit, limit)};

	db_call(&agreement_list, 4, v, r);
}

void
db_agreement_get(const struct actor *a, int64_t id, struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {db_int(s_id, id), db_bool(a->staff)};

	db_call(&agreement_get, 2, v, r);
}

void
db_agreement_create(const struct actor *a, int64_t axis, const char *body, struct db_reply *r)
{
	char s_axis[24];
	const char *v[] = {a->sub, a->role, db_int(s_axis, axis), body};

	db_call(&agreement_create, 4, v, r);
}

void
db_agreement_update(const struct actor *a, int64_t id, const char *body, const char *if_match,
                    struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {a->sub, a->role, db_int(s_id, id), body, if_match};

	db_call(&agreement_update, 5, v, r);
}

void
db_agreement_delete(const struct actor *a, int64_t id, struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {a->sub, a->role, db_int(s_id, id)};

	db_call(&agreement_delete, 3, v, r);
}
