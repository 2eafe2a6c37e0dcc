/* Reading the audit log (written by the triggers of migrations/002_audit.sql). */
#ifndef DB_AUDIT_H
#define DB_AUDIT_H

#include "db/pool.h"

/* Page of audit entries, newest first, with ids below before (INT64_MAX for the first
 * page); entity and entity_id (decimal text) NULL for any. body = items, etag = next key. */
void db_audit_list(const char *entity, const char *entity_id, int64_t before, int64_t limit,
                   struct db_reply *r);

#endif
