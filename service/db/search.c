/* Search: one prepared statement, a call to its SQL function. */
#include "db/search.h"

DB_STMT(db_search, "SELECT items::text, next_after::text FROM "
                   "api_search($1, $2, $3::boolean, $4, $5::bigint, $6::bigint, $7::int)");
