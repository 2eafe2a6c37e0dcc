/* Axes: one prepared statement per operation, each a call to its SQL function. */
#include "db/axes.h"

DB_STMT(db_axis_list, "SELECT items::text, next_after::text FROM "
                      "api_axis_list($1::boolean, $2::bigint, $3::bigint, $4::int)");
DB_STMT(db_axis_get, "SELECT b::text, md5(b::text) FROM axes x "
                     "CROSS JOIN LATERAL axis_json(x.id) b "
                     "WHERE x.id = $1::bigint AND plan_visible(x.plan_id, $2::boolean)");
DB_STMT(db_axis_create, DB_WITH_ETAG("api_axis_create($1, $2, $3::bigint, $4::jsonb)"));
DB_ITEM_WRITES(axis);
