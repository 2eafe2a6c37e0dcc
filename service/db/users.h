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
/* (body {token}): the account of a verification link works from now on. */
extern struct db_stmt db_user_verify;
/* (address, limit): counts a reset request of the address; 429 over the limit. */
extern struct db_stmt db_password_reset_allowed;
/* (email): a reset mail to that account, if it exists. */
extern struct db_stmt db_password_reset_request;
/* (token, hash): the new password of a reset link's account. */
extern struct db_stmt db_password_reset_confirm;
/* (sub): one's own account; db_me_account_hash also carries its password hash ("hash"). */
extern struct db_stmt db_me_account;
extern struct db_stmt db_me_account_hash;
/* (sub, role, body without passwords, new hash or NULL, the hash checked, if_match). */
extern struct db_stmt db_me_account_update;
/* (sub, role): deletes one's own account, keeping its observations without author. */
extern struct db_stmt db_me_account_delete;

#endif
