/* libmicrohttpd's callbacks for one request: its arrival, its body, its end. Ulfius's
 * request and response structures carry it through the pipeline (http/pipeline.c). */
#ifndef HTTP_LISTENER_H
#define HTTP_LISTENER_H

#include <microhttpd.h>

/* libmicrohttpd's memory per connection (its default is 32 KB): the request head, the
 * parsed headers (about 64 bytes each besides their text) and the answer's headers must
 * fit, or it answers 414/431 itself, in HTML. At 128 KB a head of a few hundred header
 * lines is refused here, as a problem document, up to about 60 KB; the price is that
 * memory for every connection that has served a request (libmicrohttpd zeroes all of it
 * between requests). Measured in README "Security". */
#define LISTENER_MEMORY_BYTES (128 * 1024)

/* MHD_OPTION_URI_LOG_CALLBACK: a request line arrived; returns the request's state. */
void *listener_request_begin(void *cls, const char *uri, struct MHD_Connection *con);
/* The access handler: headers (a body too large for its route, or a header with control
 * characters, is answered at once), body bytes, then the answer. */
enum MHD_Result listener_access(void *cls, struct MHD_Connection *con, const char *url,
                                const char *method, const char *version, const char *data,
                                size_t *size, void **state);
/* MHD_OPTION_NOTIFY_COMPLETED: frees the request's state. */
void listener_request_end(void *cls, struct MHD_Connection *con, void **state,
                          enum MHD_RequestTerminationCode toe);

#endif
