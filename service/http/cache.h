/* The response cache for anonymous GETs: rendered bodies kept until a committed change that
 * the public could see, in what they show, retires them; PostgreSQL announces each change
 * to every instance with NOTIFY. Concurrent misses on one request are rendered once. */
#ifndef HTTP_CACHE_H
#define HTTP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/call.h"

struct cache_stats {
	uint64_t hits;       /* answered from a kept rendering */
	uint64_t misses;     /* cacheable requests that rendered (the database's work) */
	uint64_t coalesced;  /* answered from a rendering they waited for */
	uint64_t retired;    /* kept renderings retired by changes (or to start again) */
	size_t entries, bytes;
};

/* Starts the LISTEN thread on its own connection to url. */
void cache_start(const char *url);
/* Stops the LISTEN thread and drops every entry. */
void cache_stop(void);
/* Answers c from the cache (200, or 304 for a matching If-None-Match) when it holds a
 * current rendering of this request, waiting for one in progress; returns true if it
 * answered. Otherwise c renders; if c->cache_entry is then set, c must call cache_keep. */
bool cache_answer(struct call *c);
/* Ends c's rendering: keeps its answer if cacheable (200), and hands it to the requests
 * that waited for it; a no-op for a request that renders nothing for the cache. */
void cache_keep(struct call *c);
/* After a write this instance committed: returns once the listener has applied every change
 * committed before (at most 500 ms; then retires everything). */
void cache_sync(void);
/* The counters, for /metrics. */
void cache_stats(struct cache_stats *s);

#endif
