/* Progress updates: one prepared statement per operation, each a call to its SQL function
 * (migrations/005_progress.sql). */
#include "db/progress.h"

DB_STMT(progress_list, "SELECT items::text, next_after::text FROM "
                       "api_progress_list($1::boolean, $2::bigint, $3::bigint, $4::int)");
DB_STMT(progress_get,
	"SELECT b::text, md5(b::text) FROM ("
	" SELECT progress_update_json(u) AS b FROM progress_updates u"
	" JOIN activities t ON t.id = u.activity_id JOIN axes a ON a.id = t.axis_id"
	" JOIN plans p ON p.id = a.plan_id"
	" WHERE u.id = $2::bigint AND u.activity_id = $1::bigint"
	"   AND ($3::boolean OR p.status <> 'draft')) s");
DB_STMT(progress_create, "SELECT b::text, md5(b::text) FROM "
                         "api_progress_create($1, $2, $3::bigint, $4::bigint, $5::jsonb) b");

void
db_progress_list(const struct actor *a, int64_t activity_id, int64_t after, int64_t limit,
                 struct db_reply *r)
{
	char s_id[24], s_after[24], s_limit[24];
	const char *v[] = {db_bool(a->staff), db_int(s_id, activity_id), db_int(s_after, after),
	                   db_int(s_limit, limit)};

	db_call(&progress_list, 4, v, r);
}

void
db_progress_get(const struct actor *a, int64_t activity_id, int64_t update_id,
                struct db_reply *r)
{
	char s_id[24], s_update[24];
	const char *v[] = {db_int(s_id, activity_id), db_int(s_update, update_id),
	                   db_bool(a->staff)};

	db_call(&progress_get, 3, v, r);
}

void
db_progress_create(const struct actor *a, int64_t activity_id, const char *body,
                   struct db_reply *r)
{
	char s_unit[24], s_id[24];
	const char *v[] = {a->sub, a->role, a->unit_id > 0 ? db_int(s_unit, a->unit_id) : NULL,
	                   db_int(s_id, activity_id), body};

	db_call(&progress_create, 5, v, r);
}
