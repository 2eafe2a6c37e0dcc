/* Webhook subscriptions: one prepared statement per operation, each a call to its SQL
 * function. */
#include "db/webhooks.h"

DB_STMT(db_webhook_create, DB_WITH_ETAG("api_webhook_create($1, $2, $3::jsonb, $4)"));
DB_STMT(db_webhook_list, "SELECT items::text, next_after::text FROM "
                         "api_webhook_list($1::bigint, $2::int)");
DB_STMT(db_webhook_get, "SELECT b::text, md5(b::text) FROM api_webhook_get($1::bigint) b "
                        "WHERE b IS NOT NULL");
DB_STMT(db_webhook_delete, "SELECT api_webhook_delete($1, $2, $3::bigint)::text");
DB_STMT(db_webhook_deliveries, "SELECT items::text, next_after::text FROM "
                               "api_webhook_deliveries($1::bigint, $2::bigint, $3::int)");
