/* libmicrohttpd's callbacks for one request: its arrival, its body, its end. Ulfius's
 * request and response structures carry it through the pipeline (http/pipeline.c). */
#ifndef HTTP_LISTENER_H
#define HTTP_LISTENER_H

#include <microhttpd.h>

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
