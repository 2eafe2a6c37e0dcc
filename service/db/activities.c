/* Activities: one prepared statement per operation, each a call to its SQL function. */
#include "db/activities.h"

DB_STMT(activity_list, "SELECT items::text, next_after::text FROM "
                       "api_activity_list($1::boolean, $2::bigint, $3::bigint, $4::bigint, "
                       "$5::int, $6, $7::boolean, $8::bigint, $9::int)");
DB_STMT(activity_schedule, "SELECT api_activity_schedule($1::boolean, $2::bigint, $3::bigint, "
                           "$4::bigint, $5::int, $6, $7::boolean)::text");
DB_STMT(activity_get, "SELECT b::text, md5(b::text) FROM activities t "
                      "JOIN axes x ON x.id = t.axis_id "
                      "CROSS JOIN LATERAL activity_json(t.id) b "
                      "WHERE t.id = $1::bigint AND plan_visible(x.plan_id, $2::boolean)");
DB_STMT(activity_create, DB_WITH_ETAG("api_activity_create($1, $2, $3::bigint, $4::jsonb)"));
DB_STMT(activity_update, DB_WITH_ETAG("api_activity_update($1, $2, $3::bigint, $4::jsonb, $5)"));
DB_STMT(activity_delete, DB_WITH_ETAG("api_activity_delete($1, $2, $3::bigint)"));

/* The filter as statement parameters 3-7 (NULL for "any"); bufs holds 3 × 24 bytes. */
static void
filter_params(const struct activity_filter *f, char bufs[3][24], const char **v)
{
	v[0] = f->axis_id ? db_int(bufs[0], f->axis_id) : NULL;
	v[1] = f->unit_id ? db_int(bufs[1], f->unit_id) : NULL;
	v[2] = f->due_month ? db_int(bufs[2], f->due_month) : NULL;
	v[3] = f->status;
	v[4] = f->overdue;
}

void
db_activity_list(const struct actor *a, int64_t plan, const struct activity_filter *f,
                 int64_t after, int64_t limit, struct db_reply *r)
{
	char s_plan[24], s_after[24], s_limit[24], bufs[3][24];
	const char *v[9];

	v[0] = db_bool(a->staff);
	v[1] = db_int(s_plan, plan);
	filter_params(f, bufs, v + 2);
	v[7] = db_int(s_after, after);
	v[8] = db_int(s_limit, limit);
	db_call(&activity_list, 9, v, r);
}

void
db_activity_schedule(const struct actor *a, int64_t plan, const struct activity_filter *f,
                     struct db_reply *r)
{
	char s_plan[24], bufs[3][24];
	const char *v[7];

	v[0] = db_bool(a->staff);
	v[1] = db_int(s_plan, plan);
	filter_params(f, bufs, v + 2);
	db_call(&activity_schedule, 7, v, r);
}

void
db_activity_get(const struct actor *a, int64_t id, struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {db_int(s_id, id), db_bool(a->staff)};

	db_call(&activity_get, 2, v, r);
}

void
db_activity_create(const struct actor *a, int64_t axis, const char *body, struct db_reply *r)
{
	char s_axis[24];
	const char *v[] = {a->sub, a->role, db_int(s_axis, axis), body};

	db_call(&activity_create, 4, v, r);
}

void
db_activity_update(const struct actor *a, int64_t id, const char *body, const char *if_match,
                   struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {a->sub, a->role, db_int(s_id, id), body, if_match};

	db_call(&activity_update, 5, v, r);
}

void
db_activity_delete(const struct actor *a, int64_t id, struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {a->sub, a->role, db_int(s_id, id)};

	db_call(&activity_delete, 3, v, r);
}
