/* The statements of observations (migrations/functions): each answers (body, ETag[, id]). */
#ifndef DB_OBSERVATIONS_H
#define DB_OBSERVATIONS_H

#include "db/pool.h"

/* (sub, role, staff, axis, kind, status, after, limit): a page of what the caller may
 * see of an axis's observations, by id. */
extern struct db_stmt db_obs_list;
/* (sub, role, staff, plan, axis_id, kind, status, source, incorporated, sort,
 * answer_overdue, unit_id, q, after, limit): a page of what the caller may see of a plan's observations, in the sort's order. */
extern struct db_stmt db_plan_obs_list;
/* (sub, after, limit): a page of the citizen's own, every status. */
extern struct db_stmt db_obs_mine;
/* (id, sub, role, staff): one observation the caller may see. */
extern struct db_stmt db_obs_get;
/* (sub, role, staff, axis, body, idempotency_key, per_hour): a submission. */
extern struct db_stmt db_obs_create;
/* (sub, role, id, body, if_match): one step of the review. */
extern struct db_stmt db_obs_review;
/* (sub, role, id): the author takes back a received one. */
extern struct db_stmt db_obs_withdraw;

#endif
