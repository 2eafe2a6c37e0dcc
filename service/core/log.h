/* One JSON object per line on stderr: request lines and operational messages. */
#ifndef CORE_LOG_H
#define CORE_LOG_H

#include "core/config.h"

/* Logs a message at a level (dropped below LOG_LEVEL). */
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Logs one finished request. */
void log_request(const char *request_id, const char *method, const char *path, int status,
                 double duration_ms, const char *sub);
/* Writes the current UTC time as RFC 3339 with milliseconds into out (≥ 32 bytes). */
void log_now(char *out, size_t n);

#endif
