/* The request head as libmicrohttpd 0.9.75 left it in its buffer: what its parsed
 * strings hide (a NUL inside a value, a bare LF, a folded line). README "Security". */
#ifndef HTTP_WIRE_H
#define HTTP_WIRE_H

#include <microhttpd.h>
#include <stdbool.h>

/* Whether the running libmicrohttpd keeps the head the way wire_head_whole reads it;
 * decided once, before the daemon starts. */
void wire_init(void);
/* False when the head held bytes its parsed strings do not show: a NUL in the request
 * line's version or in a header, a line ended by a bare LF, a folded header line.
 * Always true when wire_init found another libmicrohttpd. */
bool wire_head_whole(struct MHD_Connection *con, const char *method, const char *version);

#endif
