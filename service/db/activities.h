/* The SQL of activities, the plan's schedule (migrations/004_structure.sql). Each
 * function fills a db_reply (free with db_reply_free) whose body is the JSON to send. */
#ifndef DB_ACTIVITIES_H
#define DB_ACTIVITIES_H

#include "db/pool.h"

/* Which of a plan's activities a list or the schedule holds. */
struct activity_filter {
	int64_t axis_id;      /* 0: any */
	int64_t unit_id;      /* 0: any */
	int64_t due_month;    /* 0: any */
	const char *status;   /* NULL: any */
	const char *overdue;  /* "true", "false", or NULL: any (as of today) */
};

/* Page of a plan's activities by id, if the plan is visible to a; etag = next key. */
void db_activity_list(const struct actor *a, int64_t plan, const struct activity_filter *f,
                      int64_t after, int64_t limit, struct db_reply *r);
/* The whole filtered schedule of a visible plan in the plan's order: body = a JSON array
 * of rows, each the six CSV texts (eje, actividad, mes, responsables, estado, avance). */
void db_activity_schedule(const struct actor *a, int64_t plan, const struct activity_filter *f,
                          struct db_reply *r);
/* One activity, if its plan is visible to a. */
void db_activity_get(const struct actor *a, int64_t id, struct db_reply *r);
/* Adds an activity (validated body) to an axis of a draft plan. */
void db_activity_create(const struct actor *a, int64_t axis, const char *body,
                        struct db_reply *r);
/* Updates an activity of a draft plan; if_match is the unquoted ETag or NULL. */
void db_activity_update(const struct actor *a, int64_t id, const char *body,
                        const char *if_match, struct db_reply *r);
/* Deletes an activity of a draft plan. */
void db_activity_delete(const struct actor *a, int64_t id, struct db_reply *r);

#endif
