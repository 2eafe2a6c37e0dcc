/* Activities: one prepared statement per operation, each a call to its SQL function. */
#include "db/activities.h"

DB_STMT(db_activity_list, "SELECT items::text, next_after::text FROM "
                          "api_activity_list($1::boolean, $2::bigint, $3::bigint, $4::bigint, "
                          "$5::int, $6, $7::boolean, $8::bigint, $9::bigint, $10::int)");
DB_STMT(db_activity_schedule, "SELECT api_activity_schedule($1::boolean, $2::bigint, "
                              "$3::bigint, $4::bigint, $5::int, $6, $7::boolean, "
                              "$8::bigint)::text");
DB_STMT(db_activity_get, "SELECT b::text, md5(b::text) FROM activities t "
                         "JOIN axes x ON x.id = t.axis_id "
                         "CROSS JOIN LATERAL activity_json(t.id) b "
                         "WHERE t.id = $1::bigint AND plan_visible(x.plan_id, $2::boolean)");
DB_STMT(db_activity_create,
        DB_WITH_ETAG("api_activity_create($1, $2, $3::bigint, $4::jsonb)"));
DB_ITEM_WRITES(activity);
