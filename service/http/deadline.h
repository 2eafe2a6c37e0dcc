/* Absolute deadlines per connection (issue 17): a request has HEADER_TIMEOUT_SECONDS for
 * its line and headers and then BODY_TIMEOUT_SECONDS for its body, however it trickles
 * them; libmicrohttpd's own timeout is an idle one, which every byte resets. */
#ifndef HTTP_DEADLINE_H
#define HTTP_DEADLINE_H

#include <microhttpd.h>

/* MHD_OPTION_NOTIFY_CONNECTION: starts (and stops) watching a connection. */
void deadline_connection(void *cls, struct MHD_Connection *con, void **socket_context,
                         enum MHD_ConnectionNotificationCode code);
/* A request line arrived: its headers are due within HEADER_TIMEOUT_SECONDS. */
void deadline_request(struct MHD_Connection *con);
/* Its headers are complete: its body is due within BODY_TIMEOUT_SECONDS. */
void deadline_body(struct MHD_Connection *con);
/* Its body is complete: no deadline while it is answered and sent. */
void deadline_clear(struct MHD_Connection *con);
/* Answered: the next request line is due within CONNECTION_TIMEOUT_SECONDS. */
void deadline_idle(struct MHD_Connection *con);

/* Starts the thread that closes connections past their deadline; 0, or -1. */
int deadline_start(void);
/* Stops it (before the daemon stops). */
void deadline_stop(void);

#endif
