/* libmicrohttpd's callbacks for one request. The access handler is ours rather than
 * Ulfius's, so that the route's body limit is known once the headers are (a login's
 * 1 MB of padding is refused before it is read, issue 17), header bytes are seen as
 * sent (a NUL inside a value), and the deadlines of http/deadline.c follow the request. */
#include "http/listener.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "core/config.h"
#include "http/deadline.h"
#include "http/pipeline.h"
#include "http/wire.h"

/* Well below libmicrohttpd's own limit (LISTENER_MEMORY_BYTES per connection), so that a
 * request over these is answered here, as a problem with the usual headers; over that
 * memory, libmicrohttpd answers 414/431 itself, in HTML (README "Security"). */
#define URI_MAX 8192
#define HEADERS_MAX 16384
#define DROP_FACTOR 4   /* a body up to 4 × MAX_BODY_BYTES is read (and dropped) for its 413 */

struct exchange {
	struct _u_request req;
	struct _u_response res;
	size_t limit;        /* the largest body its route takes */
	size_t cap;          /* bytes allocated for the body */
	unsigned flags;      /* ARRIVED_* for the pipeline */
	bool started;        /* headers seen */
	bool answered;       /* answer queued (maybe before the body) */
};

static void
exchange_free(struct exchange *x)
{
	ulfius_clean_request(&x->req);
	ulfius_clean_response(&x->res);
	free(x);
}

void *
listener_request_begin(void *cls, const char *uri, struct MHD_Connection *con)
{
	struct exchange *x = calloc(1, sizeof *x);

	deadline_request(con);
	if (x == NULL)
		return NULL;
	if (ulfius_init_request(&x->req) != U_OK) {
		free(x);
		return NULL;
	}
	if (ulfius_init_response(&x->res) != U_OK) {
		ulfius_clean_request(&x->req);
		free(x);
		return NULL;
	}
	/* The raw URI: the strict query check reads parameters as sent (http/request.c). */
	x->req.http_url = strdup(uri);
	x->req.url_path = strndup(uri, strcspn(uri, "?"));
	if (x->req.http_url == NULL || x->req.url_path == NULL) {
		exchange_free(x);
		return NULL;
	}
	return x;
}

/* RFC 9110 5.5: a field value is visible characters, spaces and tabs; a NUL, a bare CR
 * or another control character is refused (issue 17). */
static bool
field_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7F)
			return false;
	}
	return true;
}

/* Repeated headers are joined with "," (as Ulfius did: http/headers.c reads two
 * Content-Length that way), whatever the case of their names. */
static enum MHD_Result
put_header(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
           const char *value, size_t value_size)
{
	struct exchange *x = cls;
	struct _u_map *map = x->req.map_header;
	const char **keys = u_map_enum_keys(map);
	const char *had = NULL, *name = key;
	char *both;
	int rc;

	if (value == NULL) {
		value = "";
		value_size = 0;
	}
	if (!field_ok(key, key_size) || !field_ok(value, value_size))
		x->flags |= ARRIVED_BAD_HEADER;
	for (size_t i = 0; keys && keys[i]; i++) {
		if (strcasecmp(keys[i], key) == 0) {
			name = keys[i];
			had = u_map_get(map, name);
			break;
		}
	}
	if (had == NULL)
		return u_map_put(map, key, value) == U_OK ? MHD_YES : MHD_NO;
	if (asprintf(&both, "%s,%s", had, value) < 0)
		return MHD_NO;
	rc = u_map_put(map, name, both);
	free(both);
	return rc == U_OK ? MHD_YES : MHD_NO;
}

/* Query parameters, decoded by MHD; a repeated one is joined with "," (the strict check
 * refuses repeats from the raw URL). */
static enum MHD_Result
put_argument(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct _u_map *map = cls;
	const char *had = u_map_get(map, key);
	char *both;
	int rc;

	if (had == NULL)
		return u_map_put(map, key, value ? value : "") == U_OK ? MHD_YES : MHD_NO;
	if (asprintf(&both, "%s,%s", had, value ? value : "") < 0)
		return MHD_NO;
	rc = u_map_put(map, key, both);
	free(both);
	return rc == U_OK ? MHD_YES : MHD_NO;
}

/* Runs the pipeline and queues its answer. */
static enum MHD_Result
answer(struct exchange *x, struct MHD_Connection *con)
{
	struct MHD_Response *r;
	const char **keys;
	enum MHD_Result rc;

	deadline_clear(con);
	x->answered = true;
	pipeline_run(&x->req, &x->res, x->flags);
	r = MHD_create_response_from_buffer(x->res.binary_body_length, x->res.binary_body,
	                                    MHD_RESPMEM_MUST_FREE);
	if (r == NULL)
		return MHD_NO;
	x->res.binary_body = NULL;   /* MHD frees it */
	x->res.binary_body_length = 0;
	keys = u_map_enum_keys(x->res.map_header);
	for (size_t i = 0; keys && keys[i]; i++)
		if (MHD_add_response_header(r, keys[i], u_map_get(x->res.map_header, keys[i])) !=
		    MHD_YES) {
			MHD_destroy_response(r);
			return MHD_NO;
		}
	rc = MHD_queue_response(con, (unsigned int)x->res.status, r);
	MHD_destroy_response(r);
	return rc;
}

static bool
begin(struct exchange *x, struct MHD_Connection *con, const char *method, const char *version)
{
	const union MHD_ConnectionInfo *peer =
		MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const union MHD_ConnectionInfo *size;
	struct sockaddr_storage *addr;

	x->started = true;
	x->req.http_verb = strdup(method);
	x->req.http_protocol = strdup(version);
	/* Room for any family (an IPv6 peer's sockaddr_in6 is larger than a sockaddr). */
	addr = calloc(1, sizeof *addr);
	x->req.client_address = (struct sockaddr *)addr;
	if (x->req.http_verb == NULL || x->req.http_protocol == NULL || addr == NULL ||
	    peer == NULL)
		return false;
	memcpy(addr, peer->client_addr, peer->client_addr->sa_family == AF_INET6
	                                    ? sizeof(struct sockaddr_in6)
	                                    : sizeof(struct sockaddr_in));
	if (MHD_get_connection_values_n(con, MHD_HEADER_KIND, put_header, x) < 0 ||
	    MHD_get_connection_values(con, MHD_GET_ARGUMENT_KIND, put_argument,
	                              x->req.map_url) < 0)
		return false;
	if (!wire_head_whole(con, method, version))
		x->flags |= ARRIVED_BAD_HEADER;
	if (strlen(x->req.http_url) > URI_MAX)
		x->flags |= ARRIVED_URI_TOO_LONG;
	size = MHD_get_connection_info(con, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	if (size != NULL && size->header_size > HEADERS_MAX)
		x->flags |= ARRIVED_HEADERS_TOO_LARGE;
	x->limit = pipeline_body_limit(method, x->req.url_path);
	deadline_body(con);
	return true;
}

/* Keeps at most one byte past the route's limit: the pipeline then answers 413. */
static bool
keep(struct exchange *x, const char *data, size_t n)
{
	size_t len = x->req.binary_body_length;
	size_t room = len <= x->limit ? x->limit + 1 - len : 0;

	if (n > room)
		n = room;
	if (n == 0)
		return true;
	if (len + n > x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 4096;
		void *p;

		if (cap < len + n)
			cap = len + n;
		if (cap > x->limit + 1)
			cap = x->limit + 1;
		p = realloc(x->req.binary_body, cap);
		if (p == NULL)
			return false;
		x->req.binary_body = p;
		x->cap = cap;
	}
	memcpy((char *)x->req.binary_body + len, data, n);
	x->req.binary_body_length = len + n;
	return true;
}

enum MHD_Result
listener_access(void *cls, struct MHD_Connection *con, const char *url, const char *method,
                const char *version, const char *data, size_t *size, void **state)
{
	struct exchange *x = *state;
	const char *len;

	if (x == NULL)
		return MHD_NO;
	if (x->answered) {
		*size = 0;   /* a body answered early is not kept */
		return MHD_YES;
	}
	if (!x->started) {
		if (!begin(x, con, method, version))
			return MHD_NO;
		len = u_map_get_case(x->req.map_header, "Content-Length");
		/* Answered before the body is read, and the connection closed unread (the client
		 * may then see a reset, not the answer): bad headers, and bodies far over any
		 * limit. A body over its route's limit but below that is read and dropped (keep),
		 * so the client gets its 413; it is never held in memory. */
		if (x->flags != 0 || (len && strtoull(len, NULL, 10) / DROP_FACTOR > cfg.max_body))
			return answer(x, con);
		return MHD_YES;
	}
	if (*size > 0) {
		if (!keep(x, data, *size))
			return MHD_NO;
		*size = 0;
		return MHD_YES;
	}
	return answer(x, con);
}

void
listener_request_end(void *cls, struct MHD_Connection *con, void **state,
                     enum MHD_RequestTerminationCode toe)
{
	struct exchange *x = *state;

	deadline_idle(con);
	if (x != NULL)
		exchange_free(x);
	*state = NULL;
}
