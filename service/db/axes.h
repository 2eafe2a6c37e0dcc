/* The SQL of axes (migrations/004_structure.sql). Each function fills a db_reply (free
 * with db_reply_free) whose body is the JSON to send. */
#ifndef DB_AXES_H
#define DB_AXES_H

#include "db/pool.h"

/* Page of a plan's axes by number, if the plan is visible to a; etag = next key. */
void db_axis_list(const struct actor *a, int64_t plan, int64_t after, int64_t limit,
                  struct db_reply *r);
/* One axis, if its plan is visible to a. */
void db_axis_get(const struct actor *a, int64_t id, struct db_reply *r);
/* Adds an axis (validated body) to a draft plan. */
void db_axis_create(const struct actor *a, int64_t plan, const char *body, struct db_reply *r);
/* Updates an axis of a draft plan; if_match is the unquoted ETag or NULL. */
void db_axis_update(const struct actor *a, int64_t id, const char *body, const char *if_match,
                    struct db_reply *r);
/* Deletes an axis of a draft plan and everything in it. */
void db_axis_delete(const struct actor *a, int64_t id, struct db_reply *r);

#endif
