/* Progress updates: one prepared statement per operation, each a call to its SQL function. */
#include "db/progress.h"

DB_STMT(db_progress_list, "SELECT items::text, next_after::text FROM "
                          "api_progress_list($1::boolean, $2::bigint, $3::bigint, $4::int)");
DB_STMT(db_progress_get,
	"SELECT b::text, md5(b::text) FROM ("
	" SELECT progress_update_json(u, $3::boolean) AS b FROM progress_updates u"
	" JOIN activities t ON t.id = u.activity_id JOIN axes a ON a.id = t.axis_id"
	" JOIN plans p ON p.id = a.plan_id"
	" WHERE u.id = $2::bigint AND u.activity_id = $1::bigint"
	"   AND ($3::boolean OR plan_status_public(p.status))) s");
DB_STMT(db_progress_create,
        DB_WITH_ETAG("api_progress_create($1, $2, $3::bigint, $4::bigint, $5::jsonb)"));
