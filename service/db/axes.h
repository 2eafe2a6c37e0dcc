/* The statements of axes (migrations/functions): each answers (body, ETag[, id]). */
#ifndef DB_AXES_H
#define DB_AXES_H

#include "db/pool.h"

/* (staff, plan, after, limit): a page of a visible plan's axes by number. */
extern struct db_stmt db_axis_list;
/* (id, staff): one axis, if its plan is visible. */
extern struct db_stmt db_axis_get;
/* (sub, role, plan, body): a new axis of a draft plan. */
extern struct db_stmt db_axis_create;
/* (sub, role, id, body, if_match): changes an axis of a draft plan. */
extern struct db_stmt db_axis_update;
/* (sub, role, id): deletes an axis of a draft plan and everything in it. */
extern struct db_stmt db_axis_delete;

#endif
