/* The response cache for the public's GETs (anonymous, or signed in where the answer is
 * the same: public_view), keyed by URL and Accept: the request side.
 * http/cache_table.c keeps the entries; http/cache_listen.c retires them when PostgreSQL
 * announces a change the public could see, and makes a write wait until that is done (see
 * there for coherence). Entries also carry the administration's date, since "overdue" and
 * compliance change at midnight without any write.
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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "http/cache_table.h"
#include "http/route.h"

#define MAX_KEY 1024
#define WAIT_MS 2000   /* a waiter renders itself after this (a rendering stuck on a lock) */

/* The request as the cache sees it: path and query, and the media type asked for. */
static bool
make_key(const struct call *c, char *key)
{
	const char *accept = header(c, "Accept");
	int n = snprintf(key, MAX_KEY, "%s\n%s", c->req->http_url ? c->req->http_url : "",
	                 accept ? accept : "");

	return n > 0 && n < MAX_KEY;
}

/* Whether c's answer is the one the public gets: c is anonymous, or signed in without
 * being staff on a public read whose one statement binds nothing of the caller but
 * "staff" (false for both). A route whose handler reads without a statement of its row
 * (compliance) may use the caller otherwise: cached for the anonymous only. */
static bool
public_view(const struct call *c)
{
	const struct route *r = c->route;

	if (c->who.role == ROLE_PUBLIC)
		return header(c, "Authorization") == NULL;
	if (c->actor.staff || r->action != ACT_READ || r->stmt == NULL)
		return false;
	for (int i = 0; i < ARGS_MAX && r->args[i] != A_END; i++)
		if (r->args[i] == A_SUB || r->args[i] == A_ROLE || r->args[i] == A_UNIT)
			return false;
	return true;
}

static bool
cacheable(const struct call *c)
{
	return atomic_load(&cache.listening) && strcmp(c->method, "GET") == 0 && c->route &&
	       c->req->url_path && strncmp(c->req->url_path, "/api/v1/", 8) == 0 &&
	       public_view(c);
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
	e = cache_find_locked(key, hash);
	if (e && e->day != cache_today()) {
		cache_unlink_locked(e);
		e = NULL;
	}
	if (e == NULL) {
		/* A miss: this request renders, others asking meanwhile wait for it. */
		e = cache_insert_locked(key, hash, change_shows(c->route->pattern, c->id));
		if (e == NULL) {
			pthread_mutex_unlock(&cache.mu);
			return false;
		}
		c->cache_entry = e;
		pthread_mutex_unlock(&cache.mu);
		atomic_fetch_add(&cache.misses, 1);
		return false;
	}
	e->refs++;
	if (e->state == RENDERING) {
		until = cache_deadline(WAIT_MS);
		while (e->state == RENDERING && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&cache.rendered, &cache.mu, &until);
		if (e->state != READY) {
			/* Its renderer failed (or is stuck): render without keeping, like before. */
			cache_unref_locked(e);
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
	cache_unref_locked(e);
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
	ok = c->status == 200 && type && len <= CACHE_MAX_BYTES / 8;
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
	if (ok && e->linked && (cache.entries >= CACHE_MAX_ENTRIES || cache.bytes + len > CACHE_MAX_BYTES))
		cache_retire_locked(NULL);  /* full: start again (rare) */
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
		cache_unlink_locked(e);
		e->state = FAILED;
	}
	pthread_cond_broadcast(&cache.rendered);
	cache_unref_locked(e);
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

