/* Lock-free counters in fixed arrays, rendered on demand in the text format. */
#include "http/metrics.h"

#include <stdatomic.h>
#include <stdint.h>

#include "core/version.h"
#include "db/migrate.h"
#include "db/pool.h"
#include "http/cache.h"
#include "http/router.h"
#include "notify/notify.h"

#define MAX_ROUTES 129 /* the router's table plus "unmatched" */

static const int statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 406, 409, 412,
                               413, 415, 422, 429, 500, 503, 0};
#define NSTATUS (sizeof statuses / sizeof statuses[0])
static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                0.25, 0.5, 1, 2.5, 5};
#define NBUCKET (sizeof bounds / sizeof bounds[0])

static atomic_uint_fast64_t requests[MAX_ROUTES][NSTATUS];
static atomic_uint_fast64_t buckets[MAX_ROUTES][NBUCKET + 1];
static atomic_uint_fast64_t micros_sum[MAX_ROUTES];

void
metrics_observe(int route, int status, double seconds)
{
	int r = route < 0 || route >= MAX_ROUTES - 1 ? MAX_ROUTES - 1 : route;
	size_t s = 0, b = 0;

	while (statuses[s] && statuses[s] != status)
		s++;
	while (b < NBUCKET && seconds > bounds[b])
		b++;
	atomic_fetch_add_explicit(&requests[r][s], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&buckets[r][b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&micros_sum[r], (uint_fast64_t)(seconds * 1e6),
	                          memory_order_relaxed);
}

static const char *
route_label(int r)
{
	return r < router_count() ? router_at(r)->pattern : "unmatched";
}

void
metrics_render(struct buf *b)
{
	int n = router_count(), size, in_use;
	uint64_t waits, unavailable;
	struct cache_stats cs;

	buf_puts(b, "# HELP http_requests_total Requests answered, by route and status.\n"
	            "# TYPE http_requests_total counter\n");
	for (int r = 0; r < MAX_ROUTES; r++) {
		if (r >= n && r != MAX_ROUTES - 1)
			continue;
		for (size_t s = 0; s < NSTATUS; s++) {
			uint64_t v = atomic_load_explicit(&requests[r][s], memory_order_relaxed);
			const char *method = r < n ? router_at(r)->method : "";

			if (v == 0)
				continue;
			if (statuses[s])
				buf_printf(b, "http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %llu\n",
				           method, route_label(r), statuses[s], (unsigned long long)v);
			else
				buf_printf(b, "http_requests_total{method=\"%s\",route=\"%s\",status=\"other\"} %llu\n",
				           method, route_label(r), (unsigned long long)v);
		}
	}
	buf_puts(b, "# HELP http_request_duration_seconds Time to answer a request.\n"
	            "# TYPE http_request_duration_seconds histogram\n");
	for (int r = 0; r < MAX_ROUTES; r++) {
		uint64_t cum = 0;
		const char *method = r < n ? router_at(r)->method : "";

		if (r >= n && r != MAX_ROUTES - 1)
			continue;
		for (size_t k = 0; k <= NBUCKET; k++)
			cum += atomic_load_explicit(&buckets[r][k], memory_order_relaxed);
		if (cum == 0)
			continue;
		cum = 0;
		for (size_t k = 0; k <= NBUCKET; k++) {
			cum += atomic_load_explicit(&buckets[r][k], memory_order_relaxed);
			if (k < NBUCKET)
				buf_printf(b, "http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%g\"} %llu\n",
				           method, route_label(r), bounds[k], (unsigned long long)cum);
			else
				buf_printf(b, "http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} %llu\n",
				           method, route_label(r), (unsigned long long)cum);
		}
		buf_printf(b, "http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n",
		           method, route_label(r),
		           (double)atomic_load_explicit(&micros_sum[r], memory_order_relaxed) / 1e6);
		buf_printf(b, "http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n",
		           method, route_label(r), (unsigned long long)cum);
	}
	buf_puts(b, "# HELP rendicion_build_info The running version and the schema it serves.\n"
	            "# TYPE rendicion_build_info gauge\nrendicion_build_info{version=");
	buf_json_str(b, rendicion_version);   /* a JSON string is a valid label value */
	buf_printf(b, ",schema=\"%d\"} 1\n", migrate_schema());
	db_pool_stats(&size, &in_use, &waits, &unavailable);
	buf_printf(b, "# HELP db_pool_connections Connections the pool holds.\n"
	              "# TYPE db_pool_connections gauge\ndb_pool_connections %d\n"
	              "# HELP db_pool_in_use Connections lent to requests now.\n"
	              "# TYPE db_pool_in_use gauge\ndb_pool_in_use %d\n"
	              "# HELP db_pool_waits_total Requests that waited for a connection.\n"
	              "# TYPE db_pool_waits_total counter\ndb_pool_waits_total %llu\n"
	              "# HELP db_pool_unavailable_total Requests answered 503 for want of a connection.\n"
	              "# TYPE db_pool_unavailable_total counter\ndb_pool_unavailable_total %llu\n",
	           size, in_use, (unsigned long long)waits, (unsigned long long)unavailable);
	cache_stats(&cs);
	buf_printf(b, "# HELP cache_hits_total Anonymous reads answered from a kept rendering.\n"
	              "# TYPE cache_hits_total counter\ncache_hits_total %llu\n"
	              "# HELP cache_misses_total Cacheable reads that rendered their answer.\n"
	              "# TYPE cache_misses_total counter\ncache_misses_total %llu\n"
	              "# HELP cache_coalesced_total Reads answered by a rendering they waited for.\n"
	              "# TYPE cache_coalesced_total counter\ncache_coalesced_total %llu\n"
	              "# HELP cache_retired_total Kept renderings retired by changes.\n"
	              "# TYPE cache_retired_total counter\ncache_retired_total %llu\n"
	              "# HELP cache_entries Renderings kept now.\n"
	              "# TYPE cache_entries gauge\ncache_entries %zu\n"
	              "# HELP cache_bytes Bytes of the renderings kept now.\n"
	              "# TYPE cache_bytes gauge\ncache_bytes %zu\n",
	           (unsigned long long)cs.hits, (unsigned long long)cs.misses,
	           (unsigned long long)cs.coalesced, (unsigned long long)cs.retired, cs.entries,
	           cs.bytes);
	notify_metrics(b);
}
