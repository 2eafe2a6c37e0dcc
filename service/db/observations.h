/* The SQL of observations: visibility-filtered reads, submission (idempotent, rate
 * limited) and the review state machine. Each function fills a db_reply (free with
 * db_reply_free) whose body is the JSON to send. */
#ifndef DB_OBSERVATIONS_H
#define DB_OBSERVATIONS_H

#include "db/pool.h"

/* Page of the observations of an axis visible to a; kind/status NULL for any; body =
 * items, etag = next key; DB_NOT_FOUND when the axis is not visible. */
void db_observation_list(const struct actor *a, int64_t axis_id, const char *kind,
                         const char *status, int64_t after, int64_t limit, struct db_reply *r);
/* Page of a's own observations, every status. */
void db_observation_mine(const struct actor *a, int64_t after, int64_t limit,
                         struct db_reply *r);
/* One observation, if visible to a. */
void db_observation_get(const struct actor *a, int64_t id, struct db_reply *r);
/* Records a validated {kind, body, source?} on an axis; key is the Idempotency-Key or
 * NULL; per_hour bounds a citizen's submissions in the last hour. */
void db_observation_create(const struct actor *a, int64_t axis_id, const char *body,
                           const char *key, int per_hour, struct db_reply *r);
/* One review step {status, response?}; if_match is the unquoted ETag or NULL. */
void db_observation_review(const struct actor *a, int64_t id, const char *body,
                           const char *if_match, struct db_reply *r);
/* The author withdraws their observation while it is received. */
void db_observation_withdraw(const struct actor *a, int64_t id, struct db_reply *r);

#endif
