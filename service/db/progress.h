/* The statements of progress updates (migrations/functions). */
#ifndef DB_PROGRESS_H
#define DB_PROGRESS_H

#include "db/pool.h"

/* (staff, activity, after, limit): a page of a visible activity's timeline, oldest first. */
extern struct db_stmt db_progress_list;
/* (activity, update, staff): one report of a visible activity. */
extern struct db_stmt db_progress_get;
/* (sub, role, unit, activity, body): appends a report and updates the activity, on an
 * approved plan; a director only on an activity of their unit. */
extern struct db_stmt db_progress_create;

#endif
