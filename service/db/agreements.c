/* Agreements: one prepared statement per operation, each a call to its SQL function. */
#include "db/agreements.h"

DB_STMT(db_agreement_list, "SELECT items::text, next_after::text FROM "
                           "api_agreement_list($1::boolean, $2::bigint, $3::bigint, $4::int)");
DB_STMT(db_agreement_get, "SELECT b::text, md5(b::text) FROM agreements g "
                          "JOIN axes x ON x.id = g.axis_id "
                          "CROSS JOIN LATERAL agreement_json(g.id) b "
                          "WHERE g.id = $1::bigint AND plan_visible(x.plan_id, $2::boolean)");
DB_STMT(db_agreement_create,
        DB_WITH_ETAG("api_agreement_create($1, $2, $3::bigint, $4::jsonb)"));
DB_ITEM_WRITES(agreement);
