/* The SQL of local accounts and logins (migrations/007_accounts.sql). Each function fills
 * a db_reply (free with db_reply_free); bodies never hold a password hash, except
 * db_login_begin's, which stays inside the service. */
#ifndef DB_USERS_H
#define DB_USERS_H

#include <stdbool.h>

#include "db/pool.h"

/* Page of accounts after id `after`; body = items, etag = next key. */
void db_user_list(int64_t after, int64_t limit, struct db_reply *r);
/* One account (never its hash). */
void db_user_get(int64_t id, struct db_reply *r);
/* Creates an account; unit_id is decimal text or NULL; hash is the Argon2id string. */
void db_user_create(const struct actor *a, const char *email, const char *name,
                    const char *role, const char *unit_id, const char *hash,
                    struct db_reply *r);
/* Creates a citizen's account, the new account itself being the audited actor. */
void db_user_register(const char *email, const char *name, const char *hash,
                      struct db_reply *r);
/* Applies a validated PATCH body; hash replaces the password when not NULL; if_match is
 * the unquoted ETag or NULL. */
void db_user_update(const struct actor *a, int64_t id, const char *body, const char *hash,
                    const char *if_match, struct db_reply *r);
/* Login, first step: counts the attempt against the email's throttle; DB_RATE_LIMITED
 * (extra = seconds to wait) when over it, else body {id, role, unit_id, disabled, hash},
 * all null for an unknown email. */
void db_login_begin(const char *email, struct db_reply *r);
/* Login, after the right password: clears the email's count. */
void db_login_succeeded(const char *email, struct db_reply *r);

#endif
