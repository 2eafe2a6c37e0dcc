/* The statements of plans (migrations/functions): each answers (body, ETag[, id]). */
#ifndef DB_PLANS_H
#define DB_PLANS_H

#include "db/pool.h"

/* (staff, year, status, after, limit): a page of the plans the caller sees, by id. */
extern struct db_stmt db_plan_list;
/* (id, staff): one plan with its axes. */
extern struct db_stmt db_plan_get;
/* (sub, role, body): a new draft. */
extern struct db_stmt db_plan_create;
/* (sub, role, id, body, if_match): edits a draft. */
extern struct db_stmt db_plan_update;
/* (sub, role, id): deletes a draft. */
extern struct db_stmt db_plan_delete;
/* (sub, role, id, body): approves a draft, body the approver {name, position}. */
extern struct db_stmt db_plan_approve;
/* (sub, role, id): approved → closed. */
extern struct db_stmt db_plan_close;
extern struct db_stmt db_plan_versions;
extern struct db_stmt db_plan_withdraw;
/* (id, staff): the whole plan in the import format. */
extern struct db_stmt db_plan_document;
/* (id, staff): the same document, with the ETag of its PDF. */
extern struct db_stmt db_plan_document_pdf;
/* (sub, role, document, unless_exists): creates a whole plan, all or nothing; with
 * unless_exists, nothing when a plan of that title, entity and year exists. */
extern struct db_stmt db_plan_import;

#endif
