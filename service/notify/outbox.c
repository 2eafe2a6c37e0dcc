/* The outbox dispatcher: a thread on its own PostgreSQL connection that LISTENs on
 * 'rendicion_outbox' and sweeps every second, claims one due message at a time in a
 * transaction (FOR UPDATE SKIP LOCKED, so instances share the work), sends it, and
 * records the attempt before committing. A crash between sending and committing leaves
 * the message pending: it is sent again with the same Message-ID / webhook-id. */
#include "notify/notify.h"

#include <curl/curl.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"

#define SWEEP_MS 1000          /* due retries are found at most this late */
#define BATCH 100              /* messages per wake before listening again */
#define BACKOFF_BASE_S 1       /* first retry after 1 s, then 2, 4, … */
#define BACKOFF_CAP_S 3600     /* never more than an hour apart */

enum { CH_MAIL, CH_WEBHOOK, NCH };
enum { N_SENT, N_FAILED, N_DEAD, NCOUNT };
static const char *const ch_name[NCH] = {"mail", "webhook"};

static struct {
	atomic_bool stop;
	int wake;                  /* eventfd: notify_stop interrupts the wait */
	pthread_t thread;
	bool started;
	char *url;
	atomic_uint_fast64_t counts[NCH][NCOUNT];
	atomic_int_fast64_t pending[NCH];
} d = {.wake = -1};

static bool
exec_ok(PGconn *pg, const char *sql)
{
	PGresult *r = PQexec(pg, sql);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;

	PQclear(r);
	return ok;
}

/* A session for delivering: a transaction may wait on a slow receiver (bounded by the
 * senders' own timeouts), never forever. */
static PGconn *
connect_listen(void)
{
	PGconn *pg = PQconnectdb(d.url);

	if (PQstatus(pg) != CONNECTION_OK ||
	    !exec_ok(pg, "SET statement_timeout = 10000; SET lock_timeout = 2000; "
	                 "SET idle_in_transaction_session_timeout = 120000; "
	                 "SET application_name = 'rendicion-outbox'; LISTEN rendicion_outbox")) {
		PQfinish(pg);
		return NULL;
	}
	return pg;
}

/* The one value of a statement with parameters, malloc'd ("" for NULL); NULL on error. */
static char *
value(PGconn *pg, const char *sql, int n, const char *const *vals)
{
	PGresult *r = PQexecParams(pg, sql, n, NULL, vals, NULL, NULL, 0);
	char *v = NULL;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

static const char *
str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Sends the claimed message msg. */
static void
send_one(const json_t *msg, int ch, struct attempt *a)
{
	const json_t *payload = json_object_get(msg, "payload");
	char *text = json_dumps(payload, JSON_COMPACT);
	char id[64];

	*a = (struct attempt){0};
	if (text == NULL) {
		snprintf(a->error, sizeof a->error, "out of memory");
		return;
	}
	if (ch == CH_WEBHOOK) {
		/* msg_ and the UUID's hex digits: what the deliveries list shows as message_id. */
		size_t j = 4;

		memcpy(id, "msg_", 4);
		for (const char *p = str(msg, "message_id"); p && *p && j < sizeof id - 1; p++)
			if (*p != '-')
				id[j++] = *p;
		id[j] = '\0';
		webhook_send(str(msg, "url"), str(msg, "secret"), id, text, a);
	} else {
		struct mail m = {
			.event = str(msg, "event"), .message_id = str(msg, "message_id"),
			.to = str(msg, "email"), .name = str(msg, "name"),
			.token = str(payload, "token"), .payload = text,
			.created_at = json_integer_value(json_object_get(msg, "created_at")),
		};
		char *mail = m.to && m.event && m.message_id ? mail_compose(&m) : NULL;

		if (mail == NULL) {
			snprintf(a->error, sizeof a->error, "no mail for this event");
		} else {
			smtp_send(m.to, mail, a);
			free(mail);
		}
	}
	free(text);
}

/* Claims, sends and records one message; false when none was due or the connection
 * failed (then *lost is set). */
static bool
deliver_one(PGconn *pg, bool *lost)
{
	const char *claim[1] = {cfg.smtp_url ? "t" : "f"};
	char *row, *status, id[24], http[16], ms[16], max[16], base[16], cap[16];
	json_t *msg;
	struct attempt a;
	struct timespec t0, t1;
	int ch;

	if (!exec_ok(pg, "BEGIN")) {
		*lost = true;
		return false;
	}
	row = value(pg, "SELECT outbox_claim($1::boolean)::text", 1, claim);
	if (row == NULL || row[0] == '\0') {
		bool failed = row == NULL;

		free(row);
		*lost = failed || !exec_ok(pg, "COMMIT");
		return false;
	}
	msg = json_loads(row, 0, NULL);
	free(row);
	ch = strcmp(str(msg, "channel") ? str(msg, "channel") : "", "webhook") == 0 ? CH_WEBHOOK
	                                                                           : CH_MAIL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	send_one(msg, ch, &a);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(msg, "id")));
	snprintf(http, sizeof http, "%ld", a.http_status);
	snprintf(ms, sizeof ms, "%ld", (long)((t1.tv_sec - t0.tv_sec) * 1000 +
	                                      (t1.tv_nsec - t0.tv_nsec) / 1000000));
	snprintf(max, sizeof max, "%d", cfg.outbox_max_attempts);
	snprintf(base, sizeof base, "%d", BACKOFF_BASE_S);
	snprintf(cap, sizeof cap, "%d", BACKOFF_CAP_S);
	status = value(pg, "SELECT outbox_done($1::bigint, $2::boolean, $3, $4::int, $5::int, "
	                   "$6::int, $7::int, $8::int)", 8,
	               (const char *[]){id, a.ok ? "t" : "f", a.error, a.http_status ? http : NULL,
	                                ms, max, base, cap});
	if (status == NULL || !exec_ok(pg, "COMMIT")) {
		free(status);
		json_decref(msg);
		*lost = true;
		return false;
	}
	atomic_fetch_add(&d.counts[ch][a.ok ? N_SENT : N_FAILED], 1);
	if (strcmp(status, "dead") == 0) {
		atomic_fetch_add(&d.counts[ch][N_DEAD], 1);
		log_msg(LOG_WARN, "outbox: message %s (%s) is dead after %d attempts: %s", id,
		        str(msg, "event"), cfg.outbox_max_attempts, a.error);
	} else if (!a.ok) {
		log_msg(LOG_INFO, "outbox: message %s (%s) failed, will retry: %s", id,
		        str(msg, "event"), a.error);
	}
	free(status);
	json_decref(msg);
	return true;
}

/* The pending gauge of /metrics. */
static void
count_pending(PGconn *pg)
{
	char *v = value(pg, "SELECT outbox_pending()::text", 0, NULL);
	json_t *o = v ? json_loads(v, 0, NULL) : NULL;

	for (int ch = 0; ch < NCH && o; ch++)
		atomic_store(&d.pending[ch], json_integer_value(json_object_get(o, ch_name[ch])));
	json_decref(o);
	free(v);
}

static void *
dispatch_loop(void *unused)
{
	PGconn *pg = NULL;

	(void)unused;
	while (!atomic_load(&d.stop)) {
		struct pollfd pfd[2];
		PGnotify *n;
		bool lost = false;

		if (pg == NULL && (pg = connect_listen()) == NULL) {
			nanosleep(&(struct timespec){.tv_sec = 1}, NULL);
			continue;
		}
		for (int i = 0; i < BATCH && !atomic_load(&d.stop) && deliver_one(pg, &lost); i++)
			;
		if (!lost)
			count_pending(pg);
		pfd[0] = (struct pollfd){.fd = PQsocket(pg), .events = POLLIN};
		pfd[1] = (struct pollfd){.fd = d.wake, .events = POLLIN};
		if (!lost && poll(pfd, 2, SWEEP_MS) > 0 && pfd[0].revents && !PQconsumeInput(pg))
			lost = true;
		while (!lost && (n = PQnotifies(pg)) != NULL)
			PQfreemem(n);
		if (lost || PQstatus(pg) != CONNECTION_OK) {
			log_msg(LOG_WARN, "outbox: lost its database connection; reconnecting");
			PQfinish(pg);
			pg = NULL;
		}
	}
	PQfinish(pg);
	return NULL;
}

void
notify_start(const char *url)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_msg(LOG_ERROR, "outbox: libcurl did not start; nothing will be delivered");
		return;
	}
	d.wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	d.url = strdup(url);
	if (d.wake >= 0 && d.url && pthread_create(&d.thread, NULL, dispatch_loop, NULL) == 0)
		d.started = true;
	log_msg(LOG_INFO, "outbox: delivering webhooks%s", cfg.smtp_url ? " and mail" : " (no SMTP_URL: no mail)");
}

void
notify_stop(void)
{
	uint64_t one = 1;

	if (d.started) {
		atomic_store(&d.stop, true);
		if (write(d.wake, &one, sizeof one) < 0)
			log_msg(LOG_WARN, "outbox: cannot wake the dispatcher; it stops within a second");
		pthread_join(d.thread, NULL);
		d.started = false;
		curl_global_cleanup();
	}
	if (d.wake >= 0)
		close(d.wake);
	d.wake = -1;
	free(d.url);
	d.url = NULL;
}

void
notify_metrics(struct buf *b)
{
	static const char *const what[NCOUNT] = {"sent", "failed", "dead"};

	buf_puts(b, "# HELP outbox_attempts_total Delivery attempts of this instance by channel and "
	            "outcome (dead: the last attempt failed).\n# TYPE outbox_attempts_total counter\n");
	for (int ch = 0; ch < NCH; ch++)
		for (int k = 0; k < NCOUNT; k++)
			buf_printf(b, "outbox_attempts_total{channel=\"%s\",outcome=\"%s\"} %llu\n",
			           ch_name[ch], what[k], (unsigned long long)atomic_load(&d.counts[ch][k]));
	buf_puts(b, "# HELP outbox_pending Messages waiting to be delivered (all instances).\n"
	            "# TYPE outbox_pending gauge\n");
	for (int ch = 0; ch < NCH; ch++)
		buf_printf(b, "outbox_pending{channel=\"%s\"} %lld\n", ch_name[ch],
		           (long long)atomic_load(&d.pending[ch]));
}
