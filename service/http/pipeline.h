/* The request pipeline (pipeline.c) and the steps it takes from its own files: reading
 * the body (body.c), the headers every answer carries and the framing checks (headers.c). */
#ifndef HTTP_PIPELINE_H
#define HTTP_PIPELINE_H

#include "http/call.h"

/* Ulfius's default endpoint: answers every request. Returns U_CALLBACK_COMPLETE. */
int pipeline_run(const struct _u_request *req, struct _u_response *res, void *unused);
/* Requests between arrival and answer, now. */
int pipeline_in_flight(void);

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
