/* The audit log: one prepared statement. A page starts before the cursor's key, or at
 * the newest change when there is none (0). */
#include "db/audit.h"

DB_STMT(db_audit_list, "SELECT items::text, next_before::text FROM "
                       "api_audit_list($1, $2::bigint, "
                       "coalesce(nullif($3::bigint, 0), 9223372036854775807), $4::int)");
