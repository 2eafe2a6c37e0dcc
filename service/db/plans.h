/* The SQL of plans: list, read, lifecycle, document export and import. Each function
 * fills a db_reply (free with db_reply_free) whose body is the JSON to send. */
#ifndef DB_PLANS_H
#define DB_PLANS_H

#include "db/pool.h"

/* Page of visible plans; year/status NULL for any; body = items, etag = next key. */
void db_plan_list(const struct actor *a, const char *year, const char *status,
                  int64_t after, int64_t limit, struct db_reply *r);
/* One plan with its axes, if visible to a. */
void db_plan_get(const struct actor *a, int64_t id, struct db_reply *r);
/* Creates a draft from a validated body. */
void db_plan_create(const struct actor *a, const char *body, struct db_reply *r);
/* Updates a draft; if_match is the unquoted ETag or NULL. */
void db_plan_update(const struct actor *a, int64_t id, const char *body, const char *if_match,
                    struct db_reply *r);
/* Deletes a draft. */
void db_plan_delete(const struct actor *a, int64_t id, struct db_reply *r);
/* Approves a draft, recording the approver {name, position}. */
void db_plan_approve(const struct actor *a, int64_t id, const char *body, struct db_reply *r);
/* Closes an approved plan. */
void db_plan_close(const struct actor *a, int64_t id, struct db_reply *r);
/* The whole plan in the document format, as visible to a. */
void db_plan_document(const struct actor *a, int64_t id, struct db_reply *r);
/* Imports a validated document; with unless_exists, DB_NOT_FOUND means "already there". */
void db_plan_import(const struct actor *a, const char *doc, bool unless_exists,
                    struct db_reply *r);

#endif
