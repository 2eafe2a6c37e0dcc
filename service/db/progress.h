/* The SQL of progress updates: an activity's timeline and appending to it. Each function
 * fills a db_reply (free with db_reply_free) whose body is the JSON to send. */
#ifndef DB_PROGRESS_H
#define DB_PROGRESS_H

#include "db/pool.h"

/* Page of the timeline of an activity visible to a, oldest first; body = items,
 * etag = next key; DB_NOT_FOUND when the activity is absent or not visible. */
void db_progress_list(const struct actor *a, int64_t activity_id, int64_t after,
                      int64_t limit, struct db_reply *r);
/* One update of an activity's timeline, if the plan is visible to a. */
void db_progress_get(const struct actor *a, int64_t activity_id, int64_t update_id,
                     struct db_reply *r);
/* Appends a validated update {progress, status?, note, evidence_url?} and applies it to
 * the activity in the same statement; body = the new update. */
void db_progress_create(const struct actor *a, int64_t activity_id, const char *body,
                        struct db_reply *r);

#endif
