/* Prometheus metrics: requests by route and status, latency histogram, pool use, cache. */
#ifndef HTTP_METRICS_H
#define HTTP_METRICS_H

#include "core/buf.h"

/* Counts one finished request; route is router_index() or -1 when none matched. */
void metrics_observe(int route, int status, double seconds);
/* Appends the exposition text. */
void metrics_render(struct buf *b);

#endif
