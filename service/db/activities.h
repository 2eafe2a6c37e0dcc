/* The statements of activities (migrations/functions): each answers (body, ETag[, id]). */
#ifndef DB_ACTIVITIES_H
#define DB_ACTIVITIES_H

#include "db/pool.h"

/* (staff, plan, axis, unit, due_month, status, overdue, agreement, after, limit): a page
 * of a visible plan's schedule; a NULL filter matches all. */
extern struct db_stmt db_activity_list;
/* (staff, plan, axis, unit, due_month, status, overdue, agreement): the whole filtered
 * schedule as rows for a CSV: [[eje, actividad, mes, responsables, estado, avance], …]. */
extern struct db_stmt db_activity_schedule;
/* (id, staff): one activity, if its plan is visible. */
extern struct db_stmt db_activity_get;
/* (sub, role, axis, body): a new activity of a draft plan's axis. */
extern struct db_stmt db_activity_create;
/* (sub, role, id, body, if_match): changes an activity of a draft plan. */
extern struct db_stmt db_activity_update;
/* (sub, role, id): deletes an activity of a draft plan, with its progress updates. */
extern struct db_stmt db_activity_delete;

#endif
