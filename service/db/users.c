/* Accounts and logins: one prepared statement per operation, each a call to its SQL
 * function. */
#include "db/users.h"

DB_STMT(db_user_list, "SELECT items::text, next_after::text FROM "
                      "api_user_list($1::bigint, $2::int)");
DB_STMT(db_user_get, "SELECT b::text, md5(b::text) FROM users u, user_json(u) b "
                     "WHERE u.id = $1::bigint");
DB_STMT(db_user_create,
        DB_WITH_ETAG("api_user_create($1, $2, $3, $4, $5, $6::bigint, $7)"));
DB_STMT(db_user_register, DB_WITH_ETAG("api_user_register($1, $2, $3)"));
DB_STMT(db_user_update,
        DB_WITH_ETAG("api_user_update($1, $2, $3::bigint, $4::jsonb, $5, $6)"));
DB_STMT(db_login_begin, "SELECT api_login_begin($1, $2)::text");
DB_STMT(db_login_succeeded, "SELECT api_login_succeeded($1, $2)::text");
DB_STMT(db_registration_allowed, "SELECT api_address_allowed('register', $1, $2::int)::text");
DB_STMT(db_logout, "SELECT api_logout($1, $2::bigint)::text");
DB_STMT(db_user_verify, "SELECT api_user_verify($1::jsonb->>'token')::text");
DB_STMT(db_password_reset_allowed, "SELECT api_address_allowed('password-reset', $1, $2::int)::text");
DB_STMT(db_password_reset_request, "SELECT api_password_reset_request($1)::text");
DB_STMT(db_password_reset_confirm, "SELECT api_password_reset_confirm($1, $2)::text");
DB_STMT(db_me_account, "SELECT b::text, md5(b::text) FROM api_me_account($1, false) b");
DB_STMT(db_me_account_hash, "SELECT api_me_account($1, true)::text");
DB_STMT(db_me_account_update,
        DB_WITH_ETAG("api_me_account_update($1, $2, $3::jsonb, $4, $5, $6)"));
DB_STMT(db_me_account_delete, "SELECT api_me_account_delete($1, $2)::text");
