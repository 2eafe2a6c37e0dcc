/* The response cache for anonymous GETs: rendered bodies kept until the next committed
 * change, which PostgreSQL announces to every instance with NOTIFY. */
#ifndef HTTP_CACHE_H
#define HTTP_CACHE_H

#include <stdbool.h>

#include "http/call.h"

/* Starts the LISTEN thread on its own connection to url. */
void cache_start(const char *url);
/* Stops the LISTEN thread and drops every entry. */
void cache_stop(void);
/* Answers c from the cache (200, or 304 for a matching If-None-Match) when it holds a
 * current rendering of this request; returns true if it answered. */
bool cache_answer(struct call *c);
/* Retires every entry (this instance just committed a change; others hear NOTIFY). */
void cache_invalidate(void);
/* Keeps c's answer if it is a cacheable one (anonymous GET, 200). */
void cache_keep(struct call *c);

#endif
