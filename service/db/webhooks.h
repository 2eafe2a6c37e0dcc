/* The statements of webhook subscriptions and their deliveries
 * (migrations/functions/22_webhooks.sql). */
#ifndef DB_WEBHOOKS_H
#define DB_WEBHOOKS_H

#include "db/pool.h"

/* (sub, role, body {url, events}, secret): a subscription, with its secret. */
extern struct db_stmt db_webhook_create;
/* (after, limit): a page of subscriptions, oldest first. */
extern struct db_stmt db_webhook_list;
/* (id): one subscription. */
extern struct db_stmt db_webhook_get;
/* (sub, role, id): deletes a subscription. */
extern struct db_stmt db_webhook_delete;
/* (id, after, limit): a page of a subscription's deliveries with their attempts. */
extern struct db_stmt db_webhook_deliveries;

#endif
