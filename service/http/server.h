/* The HTTP listener: Ulfius/libmicrohttpd setup, per-request pipeline, clean stop. */
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

/* Serves until SIGTERM or SIGINT, then drains and returns 0 (1 if it could not start). */
int server_run(void);

#endif
