/* The audit log: one prepared statement (api_audit_list, migrations/005_progress.sql). */
#include "db/audit.h"

DB_STMT(audit_list, "SELECT items::text, next_before::text FROM "
                    "api_audit_list($1, $2::bigint, $3::bigint, $4::int)");

void
db_audit_list(const char *entity, const char *entity_id, int64_t before, int64_t limit,
              struct db_reply *r)
{
	char s_before[24], s_limit[24];
	const char *v[] = {entity, entity_id, db_int(s_before, before), db_int(s_limit, limit)};

	db_call(&audit_list, 4, v, r);
}
