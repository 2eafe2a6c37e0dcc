/* The response cache's table: entries keyed by request, their counters, and the lock and
 * conditions that the request side (http/cache.c) and the listener (http/cache_listen.c)
 * share. Nothing here talks to PostgreSQL or to a request. */
#ifndef HTTP_CACHE_TABLE_H
#define HTTP_CACHE_TABLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/change.h"

#define CACHE_BUCKETS 1024
#define CACHE_MAX_ENTRIES 2048
#define CACHE_MAX_BYTES ((size_t)16 * 1024 * 1024)

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

struct cache_table {
	pthread_mutex_t mu;         /* everything below but the atomics */
	pthread_cond_t rendered;    /* a rendering ended (or was unlinked) */
	pthread_cond_t synced;      /* sync_done moved, or the listener's state changed */
	struct cache_entry *buckets[CACHE_BUCKETS];
	size_t entries, bytes;      /* kept (READY and linked) entries */
	size_t rendering;           /* linked placeholders */
	uint64_t sync_asked, sync_done;
	atomic_bool listening;      /* only then is anything cached */
	atomic_uint_fast64_t hits, misses, coalesced, retired;
};

extern struct cache_table cache;

/* The administration's day (TIME_ZONE), as days since the epoch: entries are of one day. */
long cache_today(void);
/* Now plus ms, for pthread_cond_timedwait. */
struct timespec cache_deadline(int ms);

/* The functions below need cache.mu held. */
/* The linked entry for key, or NULL. */
struct cache_entry *cache_find_locked(const char *key, uint32_t hash);
/* Links a new placeholder (RENDERING) for key, held by the table and the caller; NULL if
 * out of memory. */
struct cache_entry *cache_insert_locked(const char *key, uint32_t hash, struct shows shows);
/* Drops one holder's reference, freeing the entry with the last. */
void cache_unref_locked(struct cache_entry *e);
/* Takes e out of the table; its holders keep it until they let go. */
void cache_unlink_locked(struct cache_entry *e);
/* Retires every entry the change can affect (everything for NULL) and wakes waiters. */
void cache_retire_locked(const struct change *ch);

#endif
