/* Units: one prepared statement per operation, each a call to its SQL function. */
#include "db/units.h"

DB_STMT(db_unit_list, "SELECT items::text, next_after::text FROM "
                      "api_unit_list($1::boolean, $2::bigint, $3::int)");
DB_STMT(db_unit_get, DB_READ_ETAG("api_unit_get($1::boolean, $2::bigint)"));
DB_STMT(db_unit_create, DB_WITH_ETAG("api_unit_create($1, $2, $3::jsonb)"));
DB_ITEM_WRITES(unit);
DB_STMT(db_unit_merge, DB_WITH_ETAG("api_unit_merge($1, $2, $3::bigint, $4::jsonb)"));
