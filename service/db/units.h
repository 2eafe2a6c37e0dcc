/* The statements of units (migrations/functions): each answers (body, ETag[, id]). */
#ifndef DB_UNITS_H
#define DB_UNITS_H

#include "db/pool.h"

/* (after, limit): a page of every unit, by id. */
extern struct db_stmt db_unit_list;
/* (id): one unit. */
extern struct db_stmt db_unit_get;
/* (sub, role, body): a new unit; 409 when the name is taken. */
extern struct db_stmt db_unit_create;
/* (sub, role, id, body, if_match): renames a unit. */
extern struct db_stmt db_unit_update;
extern struct db_stmt db_unit_delete;
extern struct db_stmt db_unit_merge;

#endif
