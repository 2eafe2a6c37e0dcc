/* Every request goes through one pipeline: request id, route, token, body, handler,
 * headers, log line, metrics. Ulfius's own routing is not used (a single default
 * endpoint), so 404, 405, 413 and 415 are decided here, once. */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/policy.h"
#include "auth/revoke.h"
#include "core/config.h"
#include "core/log.h"
#include "core/pdf.h"
#include "http/cache.h"
#include "http/metrics.h"
#include "http/router.h"

#define MAX_JSON_DEPTH 32 /* far below jansson's 2048: no legitimate body nests deeper */
#define DRAIN_SECONDS 10

static atomic_int in_flight; /* requests between arrival and answer */

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

static int
json_depth(const json_t *j, int depth)
{
	const char *k;
	json_t *v;
	size_t i;
	int max = depth;

	if (depth > MAX_JSON_DEPTH)
		return depth;
	if (json_is_object(j)) {
		json_object_foreach((json_t *)j, k, v) {
			int d = json_depth(v, depth + 1);

			if (d > max)
				max = d;
		}
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v) {
			int d = json_depth(v, depth + 1);

			if (d > max)
				max = d;
		}
	}
	return max;
}

static bool
media_is_json(const char *ct)
{
	size_t n = strlen("application/json");

	while (*ct == ' ')
		ct++;
	return strncasecmp(ct, "application/json", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Reads the body: 413 over the limit, 415 if not JSON, 400 if malformed. */
static bool
read_body(struct call *c)
{
	const char *len = header(c, "Content-Length");
	const char *ct = header(c, "Content-Type");
	size_t n = c->req->binary_body_length;
	char *text;

	if ((len && strtoull(len, NULL, 10) > cfg.max_body) || n > cfg.max_body) {
		reply_reason(c, R_payload_too_large);
		return false;
	}
	if (n == 0)
		return true;
	if (ct == NULL || !media_is_json(ct)) {
		reply_reason(c, R_unsupported_media_type);
		return false;
	}
	/* Ulfius does not NUL-terminate the body; statements take it as a C string. */
	text = malloc(n + 1);
	if (text == NULL) {
		reply_reason(c, R_service_unavailable);
		return false;
	}
	memcpy(text, c->req->binary_body, n);
	text[n] = '\0';
	c->body_text = text;
	c->body_len = n;
	/* Any JSON value parses: a body that is not an object is then a 422 of its handler. */
	c->body = json_loadb(c->req->binary_body, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	                     NULL);
	if (c->body == NULL) {
		reply_reason(c, R_invalid_json);
		return false;
	}
	if (json_depth(c->body, 1) > MAX_JSON_DEPTH) {
		reply_reason(c, R_json_too_deep);
		return false;
	}
	return true;
}

static void
security_headers(struct call *c)
{
	const char *vary;
	char varies[160];

	reply_header(c, "X-Request-Id", c->request_id);
	reply_header(c, "X-Content-Type-Options", "nosniff");
	reply_header(c, "X-Frame-Options", "DENY");
	reply_header(c, "Referrer-Policy", "no-referrer");
	if (u_map_get_case(c->res->map_header, "Cache-Control") == NULL) {
		/* Public reads may be cached but must be revalidated (ETag); anything answered
		 * to a token is private; errors and writes are not stored at all. */
		if (strcmp(c->method, "GET") != 0 || c->status >= 400)
			reply_header(c, "Cache-Control", "no-store");
		else if (c->who.role == ROLE_PUBLIC)
			reply_header(c, "Cache-Control", "public, no-cache");
		else
			reply_header(c, "Cache-Control", "private, no-cache");
	}
	/* Answers differ by token and language (and by Accept where a handler said so). */
	vary = u_map_get_case(c->res->map_header, "Vary");
	snprintf(varies, sizeof varies, "%s%sAuthorization, Accept-Language",
	         vary ? vary : "", vary ? ", " : "");
	reply_header(c, "Vary", varies);
}

/* CORS: only origins on the allow-list get the headers. */
static bool
cors(struct call *c)
{
	const char *origin = header(c, "Origin");
	const char *p = cfg.cors_origins;
	size_t n;

	if (origin == NULL || *p == '\0')
		return false;
	n = strlen(origin);
	while (*p) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if ((l == n && strncmp(p, origin, n) == 0) || (l == 1 && *p == '*')) {
			reply_header(c, "Access-Control-Allow-Origin", origin);
			reply_header(c, "Access-Control-Expose-Headers",
			             "ETag, Location, Retry-After, X-Request-Id, WWW-Authenticate");
			reply_header(c, "Vary", "Origin");  /* first: security_headers appends */
			return true;
		}
		p = e ? e + 1 : p + l;
	}
	return false;
}

/* Request smuggling (issue 17): a body whose length two headers could each decide. Ulfius
 * joins repeated headers with "," (so two Content-Length show as one with a comma);
 * libmicrohttpd uses the first and would read the rest as another request, so the
 * answer also closes the connection. */
static bool
framing_ok(struct call *c)
{
	const char *len = header(c, "Content-Length");

	if (len == NULL || (strchr(len, ',') == NULL && header(c, "Transfer-Encoding") == NULL))
		return true;
	reply_header(c, "Connection", "close");
	reply_reason(c, R_bad_framing);
	return false;
}

static int
on_request(const struct _u_request *req, struct _u_response *res, void *unused)
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
	cors_ok = cors(&c);
	if (!framing_ok(&c))
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
	if (!authenticate(&c) || !gate(&c) || !read_body(&c) || cache_answer(&c))
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
	security_headers(&c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - c.t0.tv_sec) + (double)(t1.tv_nsec - c.t0.tv_nsec) / 1e9;
	log_request(c.request_id, req->http_verb, req->url_path ? req->url_path : "",
	            c.status, secs * 1000.0, c.who.role == ROLE_PUBLIC ? NULL : c.who.sub);
	metrics_observe(r ? router_index(r) : -1, c.status, secs);
	json_decref(c.body);
	free((char *)c.body_text);
	claims_free(&c.who);
	atomic_fetch_sub(&in_flight, 1);
	return U_CALLBACK_COMPLETE;
}

int
server_run(void)
{
	struct _u_instance inst;
	struct sockaddr_in addr;
	sigset_t sigs;
	int sig = 0;
	unsigned int flags;

	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)cfg.port);
	if (inet_pton(AF_INET, cfg.host, &addr.sin_addr) != 1) {
		fprintf(stderr, "rendicion: configuration error: HOST must be an IPv4 address\n");
		return 1;
	}
	/* Handle the stop signals in this thread only: block them before threads start. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	(void)signal(SIGPIPE, SIG_IGN);   /* fails only for an invalid signal number */

	router_init();
	json_object_seed(0);
	if (ulfius_init_instance(&inst, (unsigned int)cfg.port, NULL, NULL) != U_OK)
		return 1;
	/* Ulfius truncates silently at the limit: keep one byte more so read_body sees it. */
	inst.max_post_body_size = cfg.max_body + 1;
	inst.allowed_post_processor = U_POST_PROCESS_NONE;
	ulfius_set_default_endpoint(&inst, on_request, NULL);

	struct MHD_OptionItem ops[] = {
		{MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)mhd_request_completed, NULL},
		{MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)ulfius_uri_logger, NULL},
		{MHD_OPTION_SOCK_ADDR, 0, &addr},
		{MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)cfg.conn_timeout, NULL},
		{MHD_OPTION_CONNECTION_LIMIT, (intptr_t)cfg.conn_limit, NULL},
		/* One client cannot take every connection (issue 17: 100 trickling sockets
		 * from one address held a MAX_CONNECTIONS of 100). */
		{MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)cfg.conn_per_address, NULL},
		{MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL},
		{cfg.listener == LISTENER_POOL ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
		 (intptr_t)cfg.workers, NULL},
		{MHD_OPTION_END, 0, NULL},
	};
	/* Thread per connection by default: requests block on PostgreSQL, and a worker pool
	 * stalls every connection of a worker behind one slow query (make bench: up to 1.9×
	 * the p99, README "Performance"). LISTENER=pool switches for measurement. */
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	flags |= cfg.listener == LISTENER_POOL ? MHD_USE_EPOLL
	                                       : (MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL);
	if (ulfius_start_framework_with_mhd_options(&inst, flags, ops) != U_OK) {
		fprintf(stderr, "rendicion: cannot listen on %s:%d\n", cfg.host, cfg.port);
		ulfius_clean_instance(&inst);
		return 1;
	}
	cache_start(cfg.listen_database_url);
	log_msg(LOG_INFO, "listening on http://%s:%d (%s, pool of %d database connections)",
	        cfg.host, cfg.port, cfg.listener == LISTENER_POOL ? "worker pool" : "thread per connection",
	        cfg.pool_size);
	sigwait(&sigs, &sig);
	log_msg(LOG_INFO, "signal %d: no new connections; finishing requests in flight", sig);
	/* Stop accepting, then let in-flight requests finish (bounded) before stopping. */
	MHD_quiesce_daemon(inst.mhd_daemon);
	for (int i = 0; i < DRAIN_SECONDS * 100 && atomic_load(&in_flight) > 0; i++)
		usleep(10000);
	ulfius_stop_framework(&inst);
	ulfius_clean_instance(&inst);
	cache_stop();
	pdf_shutdown();
	log_msg(LOG_INFO, "stopped");
	return 0;
}
