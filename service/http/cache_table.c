/* The response cache's table of entries: linking, lookup, reference counts, retirement.
 * See http/cache.c for how requests use it and http/cache_listen.c for what retires. */
#include "http/cache_table.h"

#include <stdlib.h>
#include <string.h>

struct cache_table cache = {.mu = PTHREAD_MUTEX_INITIALIZER,
                            .rendered = PTHREAD_COND_INITIALIZER,
                            .synced = PTHREAD_COND_INITIALIZER};

/* The administration's day (TIME_ZONE, which config.c put in TZ), as days since the epoch:
 * overdue flags and compliance's default as_of change at its midnight, not UTC's. */
long
cache_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL)
		return (long)(now / 86400);
	return (long)((now + tm.tm_gmtoff) / 86400);
}

struct timespec
cache_deadline(int ms)
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

void
cache_unref_locked(struct cache_entry *e)
{
	if (--e->refs == 0)
		free_entry(e);
}

void
cache_unlink_locked(struct cache_entry *e)
{
	struct cache_entry **p = &cache.buckets[e->hash % CACHE_BUCKETS];

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
	cache_unref_locked(e);
}

void
cache_retire_locked(const struct change *ch)
{
	uint64_t n = 0;

	for (int i = 0; i < CACHE_BUCKETS; i++) {
		struct cache_entry *e = cache.buckets[i];

		while (e) {
			struct cache_entry *next = e->next;

			if (ch == NULL || change_retires(ch, &e->shows)) {
				n += e->state == READY;
				cache_unlink_locked(e);
			}
			e = next;
		}
	}
	atomic_fetch_add(&cache.retired, n);
	pthread_cond_broadcast(&cache.rendered);
}

struct cache_entry *
cache_find_locked(const char *key, uint32_t hash)
{
	for (struct cache_entry *e = cache.buckets[hash % CACHE_BUCKETS]; e; e = e->next)
		if (e->hash == hash && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

struct cache_entry *
cache_insert_locked(const char *key, uint32_t hash, struct shows shows)
{
	struct cache_entry *e = calloc(1, sizeof *e);

	if (e)
		e->key = strdup(key);
	if (e == NULL || e->key == NULL) {
		free(e);
		return NULL;
	}
	e->hash = hash;
	e->shows = shows;
	e->day = cache_today();
	e->state = RENDERING;
	e->linked = true;
	e->refs = 2;  /* the table's and the caller's */
	e->next = cache.buckets[hash % CACHE_BUCKETS];
	cache.buckets[hash % CACHE_BUCKETS] = e;
	cache.rendering++;
	return e;
}
