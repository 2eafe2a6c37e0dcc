/* The SQL of units (migrations/004_structure.sql). Each function fills a db_reply (free
 * with db_reply_free) whose body is the JSON to send. */
#ifndef DB_UNITS_H
#define DB_UNITS_H

#include "db/pool.h"

/* Page of every unit by id; body = items, etag = next key. */
void db_unit_list(int64_t after, int64_t limit, struct db_reply *r);
/* One unit. */
void db_unit_get(int64_t id, struct db_reply *r);
/* Creates a unit from a validated body {name}; 409 (units_name_key) for a taken name. */
void db_unit_create(const struct actor *a, const char *body, struct db_reply *r);
/* Renames a unit; if_match is the unquoted ETag or NULL. */
void db_unit_update(const struct actor *a, int64_t id, const char *body, const char *if_match,
                    struct db_reply *r);

#endif
