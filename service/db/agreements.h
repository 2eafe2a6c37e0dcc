/* The statements of agreements (migrations/functions): each answers (body, ETag[, id]). */
#ifndef DB_AGREEMENTS_H
#define DB_AGREEMENTS_H

#include "db/pool.h"

/* (staff, axis, after, limit): a page of a visible axis's agreements by number. */
extern struct db_stmt db_agreement_list;
/* (id, staff): one agreement, if its plan is visible. */
extern struct db_stmt db_agreement_get;
/* (sub, role, axis, body): a new agreement of a draft plan's axis. */
extern struct db_stmt db_agreement_create;
/* (sub, role, id, body, if_match): changes an agreement of a draft plan. */
extern struct db_stmt db_agreement_update;
/* (sub, role, id): deletes an agreement; its activities stay, unlinked. */
extern struct db_stmt db_agreement_delete;

#endif
