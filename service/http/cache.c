/* The response cache for anonymous GETs, keyed by URL and Accept.
 *
 * Coherence: every audited commit notifies 'rendicion_changes' with what it touched (a
 * plan, the units, or everything) and whether the public could see it
 * (migrations/functions/01_audit.sql, audit_notify); the listener thread of every instance
 * retires the entries that core/change.c's rule says the change can affect, and only
 * those. While the listener is not connected (it could miss notifications) nothing is
 * cached, and (re)connecting retires everything. A write answered by this instance waits
 * (bounded) until the listener has heard every change committed before it, so an anonymous
 * read here after a write's answer never sees the earlier state. Entries also carry the UTC
 * date, since "overdue" and compliance change at midnight without any write.
 *
 * Each miss is rendered once: the first request for a key leaves a placeholder and renders;
 * concurrent requests for that key wait (bounded) for its answer instead of rendering the
 * same body in parallel, and render themselves if it fails (an error is not kept). A
 * change that arrives during a rendering unlinks the placeholder: its body still answers
 * those already waiting (they were as concurrent with the change as a hit would be) but is
 * not kept. Coalescing rather than serving the previous body while one request refreshes it
 * (stale-while-revalidate): nothing is ever served after the notification that retires it,
 * which keeps the rule checkable and a write's read-back exact on its own instance. */
#include "http/cache.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "core/change.h"
#include "core/hash.h"
#include "core/log.h"
#include "http/route.h"

#define BUCKETS 1024
#define MAX_ENTRIES 2048
#define MAX_BYTES ((size_t)16 * 1024 * 1024)
#define MAX_KEY 1024
#define WAIT_MS 2000   /* a waiter renders itself after this (a rendering stuck on a lock) */
#define SYNC_MS 500    /* a write's wait for the listener; then everything is retired */

struct cache_entry {
	struct cache_entry *next;  /* in its bucket, while linked */
	char *key;
	uint32_t hash;
	struct shows shows;
	long day;
	enum { RENDERING, READY, FAILED } state;
	bool linked;               /* in the table: found by lookups */
	int refs;                  /* the table's, the renderer's, each waiter's and reader's */
	char *body;
	size_t len;
	char *type;
	char *etag;                /* the quoted ETag header, or NULL */
	char *disposition;         /* Content-Disposition, or NULL */
	char *vary;                /* the handler's Vary (e.g. Accept), or NULL */
};

static struct {
	pthread_mutex_t mu;         /* everything below but the atomics */
	pthread_cond_t rendered;    /* a rendering ended (or was unlinked) */
	pthread_cond_t synced;      /* sync_done moved, or the listener's state changed */
	struct cache_entry *buckets[BUCKETS];
	size_t entries, bytes;      /* kept (READY and linked) entries */
	size_t rendering;           /* linked placeholders */
	uint64_t sync_asked, sync_done;
	atomic_bool listening;
	atomic_bool stop;
	atomic_uint_fast64_t hits, misses, coalesced, retired;
	int wake;                   /* eventfd: a write asks the listener for a sync */
	pthread_t thread;
	bool started;
	char *url;
} cache = {.mu = PTHREAD_MUTEX_INITIALIZER, .rendered = PTHREAD_COND_INITIALIZER,
           .synced = PTHREAD_COND_INITIALIZER, .wake = -1};

/* The administration's day (TIME_ZONE, which config.c put in TZ), as days since the epoch:
 * overdue flags and compliance's default as_of change at its midnight, not UTC's. */
static long
today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL)
		return (long)(now / 86400);
	return (long)((now + tm.tm_gmtoff) / 86400);
}

/* The request as the cache sees it: path and query, and the media type asked for. */
static bool
make_key(const struct call *c, char *key)
{
	const char *accept = header(c, "Accept");
	int n = snprintf(key, MAX_KEY, "%s\n%s", c->req->http_url ? c->req->http_url : "",
	                 accept ? accept : "");

	return n > 0 && n < MAX_KEY;
}

static bool
cacheable(const struct call *c)
{
	return atomic_load(&cache.listening) && strcmp(c->method, "GET") == 0 &&
	       c->who.role == ROLE_PUBLIC && header(c, "Authorization") == NULL && c->route &&
	       c->req->url_path && strncmp(c->req->url_path, "/api/v1/", 8) == 0;
}

static void
free_entry(struct cache_entry *e)
{
	free(e->key);
	free(e->body);
	free(e->type);
	free(e->etag);
	free(e->disposition);
	free(e->vary);
	free(e);
}

/* Drops one holder's reference; the caller holds mu. */
static void
unref_locked(struct cache_entry *e)
{
	if (--e->refs == 0)
		free_entry(e);
}

/* Takes e out of the table (its holders keep it until they let go); the caller holds mu. */
static void
unlink_locked(struct cache_entry *e)
{
	struct cache_entry **p = &cache.buckets[e->hash % BUCKETS];

	if (!e->linked)
		return;
	while (*p != e)
		p = &(*p)->next;
	*p = e->next;
	e->next = NULL;
	e->linked = false;
	if (e->state == READY) {
		cache.entries--;
		cache.bytes -= e->len;
	} else if (e->state == RENDERING) {
		cache.rendering--;
	}
	unref_locked(e);
}

/* Retires every entry the change can affect (everything for NULL); the caller holds mu. */
static void
retire_locked(const struct change *ch)
{
	uint64_t n = 0;

	for (int i = 0; i < BUCKETS; i++) {
		struct cache_entry *e = cache.buckets[i];

		while (e) {
			struct cache_entry *next = e->next;

			if (ch == NULL || change_retires(ch, &e->shows)) {
				n += e->state == READY;
				unlink_locked(e);
			}
			e = next;
		}
	}
	atomic_fetch_add(&cache.retired, n);
	pthread_cond_broadcast(&cache.rendered);
}

static struct cache_entry *
find_locked(const char *key, uint32_t hash)
{
	for (struct cache_entry *e = cache.buckets[hash % BUCKETS]; e; e = e->next)
		if (e->hash == hash && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

/* Answers c from a ready entry the caller holds a reference to. */
static void
serve(struct call *c, const struct cache_entry *e)
{
	const char *inm = header(c, "If-None-Match");

	if (e->etag)
		reply_header(c, "ETag", e->etag);
	if (e->disposition)
		reply_header(c, "Content-Disposition", e->disposition);
	if (e->vary)
		reply_header(c, "Vary", e->vary);
	if (e->etag && inm && etag_listed(inm, e->etag))
		reply_status(c, 304);
	else
		reply_text(c, 200, e->type, e->body, e->len);
}

static struct timespec
deadline(int ms)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

bool
cache_answer(struct call *c)
{
	char key[MAX_KEY];
	struct cache_entry *e;
	struct timespec until;
	uint32_t hash;
	int rc = 0;

	c->cache_entry = NULL;
	if (!cacheable(c) || !make_key(c, key))
		return false;
	hash = hash_fnv1a(key);
	pthread_mutex_lock(&cache.mu);
	e = find_locked(key, hash);
	if (e && e->day != today()) {
		unlink_locked(e);
		e = NULL;
	}
	if (e == NULL) {
		/* A miss: this request renders, others asking meanwhile wait for it. */
		e = calloc(1, sizeof *e);
		if (e)
			e->key = strdup(key);
		if (e == NULL || e->key == NULL) {
			free(e);
			pthread_mutex_unlock(&cache.mu);
			return false;
		}
		e->hash = hash;
		e->shows = change_shows(c->route->pattern, c->id);
		e->day = today();
		e->state = RENDERING;
		e->linked = true;
		e->refs = 2;  /* the table's and this request's */
		e->next = cache.buckets[hash % BUCKETS];
		cache.buckets[hash % BUCKETS] = e;
		cache.rendering++;
		c->cache_entry = e;
		pthread_mutex_unlock(&cache.mu);
		atomic_fetch_add(&cache.misses, 1);
		return false;
	}
	e->refs++;
	if (e->state == RENDERING) {
		until = deadline(WAIT_MS);
		while (e->state == RENDERING && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&cache.rendered, &cache.mu, &until);
		if (e->state != READY) {
			/* Its renderer failed (or is stuck): render without keeping, like before. */
			unref_locked(e);
			pthread_mutex_unlock(&cache.mu);
			atomic_fetch_add(&cache.misses, 1);
			return false;
		}
		atomic_fetch_add(&cache.coalesced, 1);
	} else {
		atomic_fetch_add(&cache.hits, 1);
	}
	/* Ready: its body never changes again, so it is copied out without the lock. */
	pthread_mutex_unlock(&cache.mu);
	serve(c, e);
	pthread_mutex_lock(&cache.mu);
	unref_locked(e);
	pthread_mutex_unlock(&cache.mu);
	return true;
}

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void
cache_keep(struct call *c)
{
	struct cache_entry *e = c->cache_entry;
	const char *type;
	char *body = NULL;
	size_t len = c->res->binary_body_length;
	bool ok;

	if (e == NULL)
		return;
	c->cache_entry = NULL;
	type = u_map_get_case(c->res->map_header, "Content-Type");
	ok = c->status == 200 && type && len <= MAX_BYTES / 8;
	if (ok) {
		/* Filled before it is published: readers see a ready entry whole. */
		body = malloc(len + 1);
		e->type = strdup(type);
		e->etag = dup_or_null(u_map_get_case(c->res->map_header, "ETag"));
		e->disposition = dup_or_null(u_map_get_case(c->res->map_header,
		                                            "Content-Disposition"));
		/* cache_keep runs before the pipeline adds its own Vary: this is the handler's. */
		e->vary = dup_or_null(u_map_get_case(c->res->map_header, "Vary"));
		ok = body && e->type;
		if (body && len)
			memcpy(body, c->res->binary_body, len);
		if (body)
			body[len] = '\0';
	}
	pthread_mutex_lock(&cache.mu);
	if (ok && e->linked && (cache.entries >= MAX_ENTRIES || cache.bytes + len > MAX_BYTES))
		retire_locked(NULL);  /* full: start again (rare) */
	if (ok) {
		/* Ready for those waiting; kept only if no change retired it meanwhile. */
		if (e->linked) {
			cache.rendering--;
			cache.entries++;
			cache.bytes += len;
		}
		e->body = body;
		e->len = len;
		e->state = READY;
	} else {
		free(body);
		unlink_locked(e);
		e->state = FAILED;
	}
	pthread_cond_broadcast(&cache.rendered);
	unref_locked(e);
	pthread_mutex_unlock(&cache.mu);
}

void
cache_sync(void)
{
	struct timespec until = deadline(SYNC_MS);
	uint64_t want, one = 1;
	int rc = 0;

	pthread_mutex_lock(&cache.mu);
	/* Nothing kept nor being rendered: whatever is rendered next starts after the write. */
	if (!atomic_load(&cache.listening) || (cache.entries == 0 && cache.rendering == 0)) {
		pthread_mutex_unlock(&cache.mu);
		return;
	}
	want = ++cache.sync_asked;
	if (write(cache.wake, &one, sizeof one) != (ssize_t)sizeof one)
		rc = ETIMEDOUT;
	while (cache.sync_done < want && atomic_load(&cache.listening) && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&cache.synced, &cache.mu, &until);
	if (cache.sync_done < want && atomic_load(&cache.listening)) {
		log_msg(LOG_WARN, "response cache: no word from the listener; retiring everything");
		retire_locked(NULL);
	}
	pthread_mutex_unlock(&cache.mu);
}

void
cache_stats(struct cache_stats *s)
{
	s->hits = atomic_load(&cache.hits);
	s->misses = atomic_load(&cache.misses);
	s->coalesced = atomic_load(&cache.coalesced);
	s->retired = atomic_load(&cache.retired);
	pthread_mutex_lock(&cache.mu);
	s->entries = cache.entries;
	s->bytes = cache.bytes;
	pthread_mutex_unlock(&cache.mu);
}

/* The channel only this listener hears: a NOTIFY on it, sent after a write committed,
 * comes back after every notification of that write (delivered in commit order). */
static void
sync_channel(PGconn *pg, char *buf, size_t n)
{
	snprintf(buf, n, "rendicion_sync_%d", PQbackendPID(pg));
}

static PGconn *
listen_connect(void)
{
	PGconn *pg = PQconnectdb(cache.url);
	char channel[64], sql[128];
	PGresult *r;

	if (PQstatus(pg) != CONNECTION_OK) {
		PQfinish(pg);
		return NULL;
	}
	sync_channel(pg, channel, sizeof channel);
	snprintf(sql, sizeof sql, "LISTEN rendicion_changes; LISTEN %s", channel);
	r = PQexec(pg, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		PQclear(r);
		PQfinish(pg);
		return NULL;
	}
	PQclear(r);
	return pg;
}

/* Asks PostgreSQL for a notification on this listener's own channel, carrying the last
 * sync a write asked for; false if the connection failed. */
static bool
send_sync(PGconn *pg)
{
	char channel[64], sql[128];
	uint64_t n;
	PGresult *r;
	bool ok;

	if (read(cache.wake, &n, sizeof n) < 0)
		n = 0;  /* nothing pending (EAGAIN): a sync costs one round trip anyway */
	pthread_mutex_lock(&cache.mu);
	n = cache.sync_asked;
	pthread_mutex_unlock(&cache.mu);
	sync_channel(pg, channel, sizeof channel);
	snprintf(sql, sizeof sql, "NOTIFY %s, '%llu'", channel, (unsigned long long)n);
	r = PQexec(pg, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	return ok;
}

/* Applies what the connection has received, in order. */
static void
apply_notifications(PGconn *pg)
{
	char channel[64];
	PGnotify *n;

	sync_channel(pg, channel, sizeof channel);
	while ((n = PQnotifies(pg)) != NULL) {
		pthread_mutex_lock(&cache.mu);
		if (strcmp(n->relname, channel) == 0) {
			uint64_t done = strtoull(n->extra, NULL, 10);

			if (done > cache.sync_done)
				cache.sync_done = done;
			pthread_cond_broadcast(&cache.synced);
		} else {
			struct change ch = change_parse(n->extra);

			if (ch.public)
				retire_locked(&ch);
		}
		pthread_mutex_unlock(&cache.mu);
		PQfreemem(n);
	}
}

/* The listener is (re)connected or lost: changes may have been missed, keep nothing. */
static void
set_listening(bool on)
{
	pthread_mutex_lock(&cache.mu);
	atomic_store(&cache.listening, on);
	retire_locked(NULL);
	pthread_cond_broadcast(&cache.synced);
	pthread_mutex_unlock(&cache.mu);
}

static void *
listen_loop(void *unused)
{
	PGconn *pg = NULL;

	while (!atomic_load(&cache.stop)) {
		struct pollfd pfd[2];

		if (pg == NULL) {
			pg = listen_connect();
			if (pg == NULL) {
				/* nanosleep, not sleep: glibc's sleep is MT-Unsafe (SIGCHLD). */
				nanosleep(&(struct timespec){.tv_sec = 1}, NULL);
				continue;
			}
			set_listening(true);
			log_msg(LOG_INFO, "response cache: listening for changes");
		}
		pfd[0] = (struct pollfd){.fd = PQsocket(pg), .events = POLLIN};
		pfd[1] = (struct pollfd){.fd = cache.wake, .events = POLLIN};
		if (poll(pfd, 2, 200) < 0)
			continue;
		if ((pfd[0].revents && !PQconsumeInput(pg)) ||
		    (pfd[1].revents && !send_sync(pg))) {
			log_msg(LOG_WARN, "response cache: lost its connection; caching paused");
			set_listening(false);
			PQfinish(pg);
			pg = NULL;
			continue;
		}
		apply_notifications(pg);
	}
	set_listening(false);
	if (pg)
		PQfinish(pg);
	return NULL;
}

void
cache_start(const char *url)
{
	cache.wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	cache.url = strdup(url);
	if (cache.wake >= 0 && cache.url &&
	    pthread_create(&cache.thread, NULL, listen_loop, NULL) == 0)
		cache.started = true;
}

void
cache_stop(void)
{
	if (cache.started) {
		atomic_store(&cache.stop, true);
		pthread_join(cache.thread, NULL);
		cache.started = false;
	}
	pthread_mutex_lock(&cache.mu);
	retire_locked(NULL);
	pthread_mutex_unlock(&cache.mu);
	if (cache.wake >= 0)
		close(cache.wake);
	cache.wake = -1;
	free(cache.url);
	cache.url = NULL;
}
