/* Every request goes through one pipeline: request id, route, token, body, handler,
 * headers, log line, metrics. Ulfius's own routing is not used (a single default
 * endpoint), so 404, 405, 413 and 415 are decided here, once. */
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth/policy.h"
#include "auth/revoke.h"
#include "core/config.h"
#include "core/log.h"
#include "http/cache.h"
#include "http/metrics.h"
#include "http/pipeline.h"
#include "http/router.h"

static atomic_int in_flight; /* requests between arrival and answer */

int
pipeline_in_flight(void)
{
	return atomic_load(&in_flight);
}

static bool
request_id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.' || *s == ':'))
			return false;
	return true;
}

static void
begin(struct call *c, const struct _u_request *req, struct _u_response *res)
{
	const char *rid;
	unsigned char rnd[16];

	memset(c, 0, sizeof *c);
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	c->req = req;
	c->res = res;
	c->method = strcmp(req->http_verb, "HEAD") == 0 ? "GET" : req->http_verb;
	rid = header(c, "X-Request-Id");
	if (rid && request_id_ok(rid)) {
		snprintf(c->request_id, sizeof c->request_id, "%s", rid);
	} else {
		randombytes_buf(rnd, sizeof rnd);
		sodium_bin2hex(c->request_id, sizeof c->request_id, rnd, sizeof rnd);
	}
	c->lang = accept_language(header(c, "Accept-Language"));
}

/* A present but unusable Authorization header is an invalid token, not an anonymous call. */
static bool
authenticate(struct call *c)
{
	const char *h = header(c, "Authorization");

	c->actor.sub = "";
	c->actor.role = "";
	if (h == NULL)
		return true;
	/* GET /metrics takes METRICS_TOKEN, not a JWT, when one is set (http/system.c). */
	if (cfg.metrics_token[0] != '\0' && strcmp(c->route->pattern, "/metrics") == 0)
		return true;
	if (strncasecmp(h, "Bearer ", 7) == 0 &&
	    token_verify(h + 7, time(NULL), &c->who) == TOKEN_OK) {
		/* Disabled, deleted or changed accounts and logged-out tokens (auth/revoke.h). */
		switch (revoke_check(h + 7, &c->who)) {
		case REVOKE_OK:
			break;
		case REVOKE_UNKNOWN:
			claims_free(&c->who);
			memset(&c->who, 0, sizeof c->who);
			reply_reason(c, R_service_unavailable);
			return false;
		case REVOKE_REVOKED:
			claims_free(&c->who);
			memset(&c->who, 0, sizeof c->who);
			reply_reason(c, R_invalid_token);
			return false;
		}
		c->actor.sub = c->who.sub;
		c->actor.role = c->who.role_name;
		c->actor.unit_id = c->who.unit_id;
		c->actor.staff = policy_is_staff(c->who.role);
		return true;
	}
	reply_reason(c, R_invalid_token);
	return false;
}

/* The role's answer before the body is read: a caller without the right learns that
 * first, whatever the body it sent (no token → 401, unknown role → 403; the 401/403 of
 * policy_gate is the one deny() gives for that role). */
static bool
gate(struct call *c)
{
	bool write = strcmp(c->method, "GET") != 0 && strcmp(c->method, "OPTIONS") != 0;

	return policy_gate(c->who.role, write, c->route->pattern) == 0 || deny(c);
}

void
pipeline_run(const struct _u_request *req, struct _u_response *res, unsigned arrived)
{
	struct call c;
	const struct route *r = NULL;
	struct timespec t1;
	char allow[64];
	int64_t ids[2] = {0, 0};
	double secs;
	bool cors_ok;

	atomic_fetch_add(&in_flight, 1);
	begin(&c, req, res);
	cors_ok = headers_cors(&c);
	if (arrived) {
		reply_header(&c, "Connection", "close");
		reply_reason(&c, (arrived & ARRIVED_URI_TOO_LONG)        ? R_uri_too_long
		                 : (arrived & ARRIVED_HEADERS_TOO_LARGE) ? R_headers_too_large
		                                                         : R_bad_header);
		goto out;
	}
	if (!headers_framing_ok(&c))
		goto out;
	switch (router_match(c.method, req->url_path ? req->url_path : "/", &r, ids, allow)) {
	case MATCH_OK:
		c.id = ids[0];
		c.sub_id = ids[1];
		break;
	case MATCH_NO_METHOD:
		if (strcmp(c.method, "OPTIONS") == 0 && cors_ok) {
			reply_header(&c, "Access-Control-Allow-Methods", allow);
			reply_header(&c, "Access-Control-Allow-Headers",
			             "Authorization, Content-Type, If-Match, If-None-Match, "
			             "Idempotency-Key, X-Request-Id, Accept-Language");
			reply_header(&c, "Access-Control-Max-Age", "600");
			reply_text(&c, 204, "text/plain", "", 0);
			goto out;
		}
		reply_header(&c, "Allow", allow);
		reply_reason(&c, R_method_not_allowed);
		goto out;
	case MATCH_BAD_ID:
	case MATCH_NO_PATH:
		reply_reason(&c, R_no_route);
		goto out;
	}
	c.route = r;
	if (!authenticate(&c) || !gate(&c) || !body_read(&c) || cache_answer(&c))
		goto out;
	route_run(&c);
	if (c.status == 0) {
		log_msg(LOG_ERROR, "route %s %s gave no answer", r->method, r->pattern);
		reply_reason(&c, R_internal_error);
	}
	if (strcmp(c.method, "GET") == 0)
		cache_keep(&c);
	else if (c.status < 400)
		cache_sync();  /* an anonymous read after this answer sees the change */
out:
	headers_security(&c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - c.t0.tv_sec) + (double)(t1.tv_nsec - c.t0.tv_nsec) / 1e9;
	log_request(c.request_id, req->http_verb, req->url_path ? req->url_path : "",
	            c.status, secs * 1000.0, c.who.role == ROLE_PUBLIC ? NULL : c.who.sub);
	metrics_observe(r ? router_index(r) : -1, c.status, secs);
	json_decref(c.body);
	free((char *)c.body_text);
	claims_free(&c.who);
	atomic_fetch_sub(&in_flight, 1);
}
