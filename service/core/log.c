/* Structured logging: each line is built whole, then written with one fwrite. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "core/buf.h"

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void
log_now(char *out, size_t n)
{
	struct timespec ts;
	struct tm tm;
	size_t k;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	k = strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + k, n - k, ".%03ldZ", ts.tv_nsec / 1000000);
}

static void
emit(struct buf *b)
{
	buf_puts(b, "}\n");
	if (!b->oom)
		(void)fwrite(b->data, 1, b->len, stderr);   /* nowhere left to report a failure */
	buf_free(b);
}

static void
start(struct buf *b, enum log_level lvl)
{
	char now[40];

	log_now(now, sizeof now);
	buf_printf(b, "{\"time\":\"%s\",\"level\":\"%s\"", now, level_names[lvl]);
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	char tmp[1024];

	if (lvl < cfg.log_level)
		return;
	va_start(ap, fmt);
	if (vsnprintf(tmp, sizeof tmp, fmt, ap) < 0)   /* truncation is fine; failure is not */
		tmp[0] = '\0';
	va_end(ap);
	start(&b, lvl);
	buf_puts(&b, ",\"msg\":");
	buf_json_str(&b, tmp);
	emit(&b);
}

void
log_request(const char *request_id, const char *method, const char *path, int status,
            double duration_ms, const char *sub)
{
	struct buf b = BUF_INIT;
	enum log_level lvl = status >= 500 ? LOG_ERROR : LOG_INFO;

	if (lvl < cfg.log_level)
		return;
	start(&b, lvl);
	buf_puts(&b, ",\"request_id\":");
	buf_json_str(&b, request_id);
	buf_puts(&b, ",\"method\":");
	buf_json_str(&b, method);
	buf_puts(&b, ",\"path\":");
	buf_json_str(&b, path);
	buf_printf(&b, ",\"status\":%d,\"duration_ms\":%.3f", status, duration_ms);
	if (sub) {
		buf_puts(&b, ",\"sub\":");
		buf_json_str(&b, sub);
	}
	emit(&b);
}
