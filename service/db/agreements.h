/* The SQL of agreements (migrations/004_structure.sql). Each function fills a db_reply
 * (free with db_reply_free) whose body is the JSON to send. */
#ifndef DB_AGREEMENTS_H
#define DB_AGREEMENTS_H

#include "db/pool.h"

/* Page of an axis's agreements by number, if its plan is visible to a; etag = next key. */
void db_agreement_list(const struct actor *a, int64_t axis, int64_t after, int64_t limit,
                       struct db_reply *r);
/* One agreement, if its plan is visible to a. */
void db_agreement_get(const struct actor *a, int64_t id, struct db_reply *r);
/* Adds an agreement (validated body) to an axis of a draft plan. */
void db_agreement_create(const struct actor *a, int64_t axis, const char *body,
                         struct db_reply *r);
/* Updates an agreement of a draft plan; if_match is the unquoted ETag or NULL. */
void db_agreement_update(const struct actor *a, int64_t id, const char *body,
                         const char *if_match, struct db_reply *r);
/* Deletes an agreement of a draft plan (its activities keep existing, unlinked). */
void db_agreement_delete(const struct actor *a, int64_t id, struct db_reply *r);

#endif
