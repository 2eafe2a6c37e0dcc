/* Headers every answer carries (security, CORS) and the request headers refused as a
 * whole (ambiguous framing). */
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "http/pipeline.h"

void
headers_security(struct call *c)
{
	const char *vary;
	char varies[160];

	reply_header(c, "X-Request-Id", c->request_id);
	reply_header(c, "X-Content-Type-Options", "nosniff");
	reply_header(c, "X-Frame-Options", "DENY");
	reply_header(c, "Referrer-Policy", "no-referrer");
	if (u_map_get_case(c->res->map_header, "Cache-Control") == NULL) {
		/* Public reads may be cached but must be revalidated (ETag); anything answered
		 * to a token is private; errors and writes are not stored at all. */
		if (strcmp(c->method, "GET") != 0 || c->status >= 400)
			reply_header(c, "Cache-Control", "no-store");
		else if (c->who.role == ROLE_PUBLIC)
			reply_header(c, "Cache-Control", "public, no-cache");
		else
			reply_header(c, "Cache-Control", "private, no-cache");
	}
	/* Answers differ by token and language (and by Accept where a handler said so). */
	vary = u_map_get_case(c->res->map_header, "Vary");
	snprintf(varies, sizeof varies, "%s%sAuthorization, Accept-Language",
	         vary ? vary : "", vary ? ", " : "");
	reply_header(c, "Vary", varies);
}

/* CORS: only origins on the allow-list get the headers. */
bool
headers_cors(struct call *c)
{
	const char *origin = header(c, "Origin");
	const char *p = cfg.cors_origins;
	size_t n;

	if (origin == NULL || *p == '\0')
		return false;
	n = strlen(origin);
	while (*p) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if ((l == n && strncmp(p, origin, n) == 0) || (l == 1 && *p == '*')) {
			reply_header(c, "Access-Control-Allow-Origin", origin);
			reply_header(c, "Access-Control-Expose-Headers",
			             "ETag, Location, Retry-After, X-Request-Id, WWW-Authenticate");
			reply_header(c, "Vary", "Origin");  /* first: security_headers appends */
			return true;
		}
		p = e ? e + 1 : p + l;
	}
	return false;
}

/* Request smuggling (issue 17): a body whose length two headers could each decide. Ulfius
 * joins repeated headers with "," (so two Content-Length show as one with a comma);
 * libmicrohttpd uses the first and would read the rest as another request, so the
 * answer also closes the connection. */
bool
headers_framing_ok(struct call *c)
{
	const char *len = header(c, "Content-Length");

	if (len == NULL || (strchr(len, ',') == NULL && header(c, "Transfer-Encoding") == NULL))
		return true;
	reply_header(c, "Connection", "close");
	reply_reason(c, R_bad_framing);
	return false;
}
