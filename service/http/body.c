/* Reading a request body: the size limit (413), the media type (415), strict JSON (400). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/config.h"
#include "http/pipeline.h"
#include "http/route.h"
#include "http/router.h"

#define MAX_JSON_DEPTH 32 /* far below jansson's 2048: no legitimate body nests deeper */
#define BODY_NONE_MAX 1024 /* a row without body fields takes at most "{}" */

/* Per route (issue 17): a login needs a few KB, not MAX_BODY_BYTES, and a read none. */
static size_t
route_limit(const struct route *r, const char *method)
{
	size_t max = r->body_max ? r->body_max : cfg.max_body;

	if (strcmp(method, "GET") == 0 ||
	    (r->body_max == 0 && r->body == NULL && r->rule == NULL && r->handler == NULL))
		max = BODY_NONE_MAX;
	return max < cfg.max_body ? max : cfg.max_body;
}

size_t
pipeline_body_limit(const char *method, const char *path)
{
	const struct route *r = NULL;
	int64_t ids[2];
	char allow[64];

	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	if (router_match(method, path, &r, ids, allow) != MATCH_OK)
		return BODY_NONE_MAX;   /* 404 or 405 whatever the body */
	return route_limit(r, method);
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
bool
body_read(struct call *c)
{
	const char *len = header(c, "Content-Length");
	const char *ct = header(c, "Content-Type");
	size_t n = c->req->binary_body_length;
	size_t max = route_limit(c->route, c->method);
	char *text;

	if ((len && strtoull(len, NULL, 10) > max) || n > max) {
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
