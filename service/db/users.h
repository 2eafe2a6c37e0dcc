/* The statements of accounts and logins (migrations/functions). */
#ifndef DB_USERS_H
#define DB_USERS_H

#include "db/pool.h"

/* (after, limit): a page of accounts, oldest first. */
extern struct db_stmt db_user_list;
/* (id): one account. */
extern struct db_stmt db_user_get;
/* (sub, role, email, name, account_role, unit_id, hash): an account of any role. */
extern struct db_stmt db_user_create;
/* (email, name, hash): a citizen's own account. */
extern struct db_stmt db_user_register;
/* (sub, role, id, body without password, hash or NULL, if_match): changes an account. */
extern struct db_stmt db_user_update;
/* (email): the account to check a password against ({id, role, unit_id, hash, disabled},
 * members null for an unknown email); 429 while the email is throttled. */
extern struct db_stmt db_login_begin;
/* (email): clears the email's failed attempts. */
extern struct db_stmt db_login_succeeded;
extern struct db_stmt db_logout;
extern struct db_stmt db_registration_allowed;

#endif
