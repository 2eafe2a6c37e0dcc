/* The request pipeline (pipeline.c) and the steps it takes from its own files: reading
 * the body (body.c), the headers every answer carries and the framing checks (headers.c). */
#ifndef HTTP_PIPELINE_H
#define HTTP_PIPELINE_H

#include "http/call.h"

/* What the listener saw that the request's maps cannot show. */
enum {
	ARRIVED_BAD_HEADER = 1,        /* a header name or value with a control character */
	ARRIVED_URI_TOO_LONG = 2,      /* over URI_MAX bytes (http/listener.c) */
	ARRIVED_HEADERS_TOO_LARGE = 4, /* line and headers over HEADERS_MAX bytes */
};

/* Answers req into res (status, headers, body), whatever it is. */
void pipeline_run(const struct _u_request *req, struct _u_response *res, unsigned arrived);
/* Requests between arrival and answer, now. */
int pipeline_in_flight(void);

/* The largest body the route of method and path takes (checked before the body is read). */
size_t pipeline_body_limit(const char *method, const char *path);
/* Reads the body into c->body: 413 over the limit, 415 if not JSON, 400 if malformed;
 * false once answered. */
bool body_read(struct call *c);

/* Adds the security, cache and Vary headers to the answer. */
void headers_security(struct call *c);
/* Adds the CORS headers when the Origin is on the allow-list; true if it is. */
bool headers_cors(struct call *c);
/* False (and 400 bad_framing, connection closed) when two headers could each decide the
 * body's length. */
bool headers_framing_ok(struct call *c);

#endif
