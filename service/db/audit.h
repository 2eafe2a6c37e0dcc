/* The statement of the audit log (migrations/functions). */
#ifndef DB_AUDIT_H
#define DB_AUDIT_H

#include "db/pool.h"

/* (entity, entity_id, before, limit): a page of changes, newest first; before 0 is the
 * first page. */
extern struct db_stmt db_audit_list;

#endif
