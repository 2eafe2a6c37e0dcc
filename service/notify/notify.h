/* Mail and webhooks: the dispatcher of the transactional outbox (migrations/013_outbox.sql)
 * that `serve` runs on a thread of its own, and what it sends with. */
#ifndef NOTIFY_NOTIFY_H
#define NOTIFY_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Starts the dispatcher on its own PostgreSQL connection to url (LISTEN + sweep). */
void notify_start(const char *url);
/* Stops it: a delivery in progress finishes or times out first. */
void notify_stop(void);
/* Appends the outbox's counters (Prometheus text) to b. */
void notify_metrics(struct buf *b);

/* What one attempt of a delivery came to. */
struct attempt {
	bool ok;
	long http_status;     /* webhooks: the receiver's status, 0 without an answer */
	char error[256];      /* why it failed ("" when ok) */
};

/* One mail to write (mail_text.c) and send (smtp.c). Strings are borrowed. */
struct mail {
	const char *event;       /* account.verify, account.exists, password.reset, observation.answered */
	const char *message_id;  /* the outbox row's UUID: the stable Message-ID */
	const char *to;          /* the account's address */
	const char *name;        /* the account's name ("" when none) */
	const char *token;       /* the link's token (verify, reset), else NULL */
	const char *payload;     /* the event's data (JSON text) */
	int64_t created_at;      /* when the event happened (Unix time): the Date header */
};

/* The whole message (headers, multipart/alternative Spanish text and HTML) for m, from
 * the configured MAIL_FROM and PUBLIC_BASE_URL; malloc'd, NULL on an unknown event or no
 * memory. */
char *mail_compose(const struct mail *m);
/* Sends message to the address to through SMTP_URL. */
void smtp_send(const char *to, const char *message, struct attempt *out);

/* Posts body to url, signed per Standard Webhooks with secret ("whsec_" + base64 key):
 * webhook-id id, webhook-timestamp now. Loopback, private and link-local destinations are
 * refused at connect time unless WEBHOOK_ALLOW_PRIVATE. */
void webhook_send(const char *url, const char *secret, const char *id, const char *body,
                  struct attempt *out);
/* The signature header's value, "v1," + base64 HMAC-SHA256 of "id.timestamp.body" under
 * the secret's key, into out (128 bytes); false on a secret that is not whsec_ + base64. */
bool webhook_signature(const char *secret, const char *id, long long ts, const char *body,
                       char out[128]);

#endif
