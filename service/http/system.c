/* Operational endpoints: /health, /ready, /metrics, /openapi.json, and /api/v1/me. */
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "core/assets.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/version.h"
#include "db/migrate.h"
#include "http/metrics.h"
#include "http/router.h"

DB_STMT(db_ready_ping, "SELECT 'true'");

/* GET /health: the process is up, what it is and the schema it serves (the newest
 * migration it knows; serve refused a database ahead of it); never touches the database. */
static void
health(struct call *c)
{
	struct buf b = BUF_INIT;

	buf_puts(&b, "{\"status\":\"ok\",\"version\":");
	buf_json_str(&b, rendicion_version);
	buf_printf(&b, ",\"schema\":%d}", migrate_schema());
	if (b.oom) {
		buf_free(&b);
		reply_reason(c, R_internal_error);
		return;
	}
	reply_json(c, 200, buf_str(&b));
	buf_free(&b);
}

/* GET /ready: the database answers. */
static void
ready(struct call *c)
{
	struct db_reply r;

	db_call(&db_ready_ping, 0, NULL, &r);
	if (r.err != DB_OK) {
		r.err = DB_UNAVAILABLE;
		reply_db_error(c, &r, R_not_found);
		return;
	}
	db_reply_free(&r);
	reply_json(c, 200, "{\"status\":\"ready\"}");
}

/* GET /openapi.json: the spec, converted from openapi/openapi.yaml at build time. */
static void
openapi(struct call *c)
{
	reply_json(c, 200, asset_openapi);
}

/* GET /metrics: Prometheus text format. */
static void
metrics(struct call *c)
{
	struct buf b = BUF_INIT;
	const char *h = header(c, "Authorization");
	size_t n = strlen(cfg.metrics_token);

	/* METRICS_TOKEN set: only a scraper that presents it (compared in constant time). */
	if (n > 0) {
		if (h == NULL) {
			reply_reason(c, R_token_required);
			return;
		}
		if (strncasecmp(h, "Bearer ", 7) != 0 || strlen(h + 7) != n ||
		    sodium_memcmp(h + 7, cfg.metrics_token, n) != 0) {
			reply_reason(c, R_invalid_token);
			return;
		}
	}

	metrics_render(&b);
	if (b.oom) {
		buf_free(&b);
		reply_reason(c, R_internal_error);
		return;
	}
	reply_text(c, 200, "text/plain; version=0.0.4; charset=utf-8", b.data, b.len);
	buf_free(&b);
}

/* GET /api/v1/me: the verified claims of the caller's token. */
static void
me(struct call *c)
{
	reply_json(c, 200, c->who.json);
}

const struct route system_routes[] = {
	{.method = "GET", .pattern = "/health", .action = ACT_READ, .handler = health},
	{.method = "GET", .pattern = "/ready", .action = ACT_READ, .handler = ready},
	{.method = "GET", .pattern = "/openapi.json", .action = ACT_READ, .handler = openapi},
	{.method = "GET", .pattern = "/metrics", .action = ACT_READ, .handler = metrics},
	{.method = "GET", .pattern = "/api/v1/me", .action = ACT_ME, .handler = me},
	ROUTES_END,
};
