/* Coherence rule: an entry is served only if no change was committed since it was
 * rendered. Every audited write notifies 'rendicion_changes' at commit; the listener
 * thread bumps a generation counter on each notification, which retires every entry at
 * once. While the listener is not connected (it could miss notifications) nothing is
 * cached. Reads of public data change rarely and are read often, so retiring everything on
 * any change costs little and is easy to trust. Entries also carry the UTC date, since
 * "overdue" and compliance change at midnight without any write. */
#include "http/cache.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "core/hash.h"
#include "core/log.h"

#define BUCKETS 1024
#define MAX_ENTRIES 2048
#define MAX_BYTES ((size_t)16 * 1024 * 1024)
#define MAX_KEY 1024

struct entry {
	struct entry *next;
	char *key;
	char *body;
	size_t len;
	char *type;
	char *etag;          /* the quoted ETag header, or NULL */
	char *disposition;   /* Content-Disposition, or NULL */
	char *vary;          /* the handler's Vary (e.g. Accept), or NULL */
	uint64_t gen;
	long day;
};

static struct {
	pthread_rwlock_t lock;
	struct entry *buckets[BUCKETS];
	size_t entries, bytes;
	atomic_uint_fast64_t gen;
	atomic_bool listening;
	atomic_bool stop;
	pthread_t thread;
	bool started;
	char *url;
} cache = {.lock = PTHREAD_RWLOCK_INITIALIZER};

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
	       c->who.role == ROLE_PUBLIC && header(c, "Authorization") == NULL &&
	       c->req->url_path && strncmp(c->req->url_path, "/api/v1/", 8) == 0;
}

static void
free_entry(struct entry *e)
{
	free(e->key);
	free(e->body);
	free(e->type);
	free(e->etag);
	free(e->disposition);
	free(e->vary);
	free(e);
}

/* Drops every entry; the caller holds the write lock. */
static void
clear_locked(void)
{
	for (int i = 0; i < BUCKETS; i++) {
		struct entry *e = cache.buckets[i];

		while (e) {
			struct entry *next = e->next;

			free_entry(e);
			e = next;
		}
		cache.buckets[i] = NULL;
	}
	cache.entries = cache.bytes = 0;
}

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

bool
cache_answer(struct call *c)
{
	char key[MAX_KEY];
	const char *inm;
	struct entry *e;
	bool hit = false;
	uint64_t gen = atomic_load(&cache.gen);

	/* Whatever the handler renders reflects at least the changes known now. */
	c->cache_gen = gen;
	if (!cacheable(c) || !make_key(c, key))
		return false;
	pthread_rwlock_rdlock(&cache.lock);
	for (e = cache.buckets[hash_fnv1a(key) % BUCKETS]; e; e = e->next)
		if (e->gen == gen && e->day == today() && strcmp(e->key, key) == 0)
			break;
	if (e) {
		hit = true;
		if (e->etag)
			reply_header(c, "ETag", e->etag);
		if (e->disposition)
			reply_header(c, "Content-Disposition", e->disposition);
		if (e->vary)
			reply_header(c, "Vary", e->vary);
		inm = header(c, "If-None-Match");
		if (e->etag && inm && etag_listed(inm, e->etag))
			reply_status(c, 304);
		else
			reply_text(c, 200, e->type, e->body, e->len);
	}
	pthread_rwlock_unlock(&cache.lock);
	return hit;
}

void
cache_invalidate(void)
{
	atomic_fetch_add(&cache.gen, 1);
}

void
cache_keep(struct call *c)
{
	char key[MAX_KEY];
	struct entry *e;
	uint32_t b;

	if (c->status != 200 || !cacheable(c) || !make_key(c, key) ||
	    c->res->binary_body_length > MAX_BYTES / 8)
		return;
	e = calloc(1, sizeof *e);
	if (e == NULL)
		return;
	e->key = strdup(key);
	e->len = c->res->binary_body_length;
	e->body = malloc(e->len + 1);
	e->type = dup_or_null(u_map_get_case(c->res->map_header, "Content-Type"));
	e->etag = dup_or_null(u_map_get_case(c->res->map_header, "ETag"));
	e->disposition = dup_or_null(u_map_get_case(c->res->map_header, "Content-Disposition"));
	/* cache_keep runs before the pipeline adds its own Vary: this is the handler's. */
	e->vary = dup_or_null(u_map_get_case(c->res->map_header, "Vary"));
	/* The generation read before the handler queried the database: a change committed
	 * meanwhile makes this entry stale at once, never the other way round. */
	e->gen = c->cache_gen;
	e->day = today();
	if (e->key == NULL || e->body == NULL || e->type == NULL) {
		free_entry(e);
		return;
	}
	memcpy(e->body, c->res->binary_body, e->len);
	e->body[e->len] = '\0';
	b = hash_fnv1a(key) % BUCKETS;
	pthread_rwlock_wrlock(&cache.lock);
	if (cache.entries >= MAX_ENTRIES || cache.bytes + e->len > MAX_BYTES)
		clear_locked();
	/* Replace an older rendering of the same request. */
	for (struct entry **p = &cache.buckets[b]; *p; p = &(*p)->next) {
		if (strcmp((*p)->key, key) == 0) {
			struct entry *old = *p;

			*p = old->next;
			cache.entries--;
			cache.bytes -= old->len;
			free_entry(old);
			break;
		}
	}
	e->next = cache.buckets[b];
	cache.buckets[b] = e;
	cache.entries++;
	cache.bytes += e->len;
	pthread_rwlock_unlock(&cache.lock);
}

static PGconn *
listen_connect(void)
{
	PGconn *pg = PQconnectdb(cache.url);
	PGresult *r;

	if (PQstatus(pg) != CONNECTION_OK) {
		PQfinish(pg);
		return NULL;
	}
	r = PQexec(pg, "LISTEN rendicion_changes");
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		PQclear(r);
		PQfinish(pg);
		return NULL;
	}
	PQclear(r);
	return pg;
}

static void *
listen_loop(void *unused)
{
	PGconn *pg = NULL;

	while (!atomic_load(&cache.stop)) {
		struct pollfd pfd;
		PGnotify *n;

		if (pg == NULL) {
			pg = listen_connect();
			if (pg == NULL) {
				/* nanosleep, not sleep: glibc's sleep is MT-Unsafe (SIGCHLD). */
				nanosleep(&(struct timespec){.tv_sec = 1}, NULL);
				continue;
			}
			/* Changes may have been missed while disconnected. */
			atomic_fetch_add(&cache.gen, 1);
			atomic_store(&cache.listening, true);
			log_msg(LOG_INFO, "response cache: listening for changes");
		}
		pfd.fd = PQsocket(pg);
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, 200) < 0)
			continue;
		if (pfd.revents && !PQconsumeInput(pg)) {
			log_msg(LOG_WARN, "response cache: lost its connection; caching paused");
			atomic_store(&cache.listening, false);
			atomic_fetch_add(&cache.gen, 1);
			PQfinish(pg);
			pg = NULL;
			continue;
		}
		while ((n = PQnotifies(pg)) != NULL) {
			atomic_fetch_add(&cache.gen, 1);
			PQfreemem(n);
		}
	}
	atomic_store(&cache.listening, false);
	if (pg)
		PQfinish(pg);
	return NULL;
}

void
cache_start(const char *url)
{
	cache.url = strdup(url);
	if (cache.url && pthread_create(&cache.thread, NULL, listen_loop, NULL) == 0)
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
	pthread_rwlock_wrlock(&cache.lock);
	clear_locked();
	pthread_rwlock_unlock(&cache.lock);
	free(cache.url);
	cache.url = NULL;
}
