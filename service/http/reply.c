/* Answers: a body of any type, and problem documents, each one entry of the catalogue
 * of reasons (http/reasons.def). */
#include "http/call.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsontext.h"
#include "core/log.h"

void
reply_header(struct call *c, const char *name, const char *value)
{
	u_map_put(c->res->map_header, name, value);
}

/* The one place a body is set: takes owned (may be NULL for no body). */
void
reply_take(struct call *c, int status, const char *type, char *owned, size_t n)
{
	free(c->res->binary_body);
	c->res->binary_body = owned;
	c->res->binary_body_length = n;
	c->res->status = (long)status;
	c->status = status;
	if (owned)
		reply_header(c, "Content-Type", type);
}

void
reply_text(struct call *c, int status, const char *type, const char *text, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL) {
		reply_take(c, 500, type, NULL, 0);
		return;
	}
	memcpy(p, text, n);
	p[n] = '\0';
	reply_take(c, status, type, p, n);
}

void
reply_json(struct call *c, int status, const char *json)
{
	reply_text(c, status, "application/json", json, strlen(json));
}

void
reply_json_owned(struct call *c, int status, char *json)
{
	reply_take(c, status, "application/json", json, json_compact(json));
}

void
reply_status(struct call *c, int status)
{
	reply_take(c, status, "application/json", NULL, 0);
}

/* The one writer of problem documents: r's status, code and reason, detail (r's own
 * when NULL) and, for 422, the errors. */
static void
problem(struct call *c, const struct reason *r, const char *detail, json_t *errors)
{
	struct buf b = BUF_INIT;

	if (detail == NULL)
		detail = c->lang == LANG_EN ? r->en : r->es;
	buf_printf(&b, "{\"type\":\"urn:rendicion:problem:%s\",\"title\":", r->code);
	buf_json_str(&b, reason_title(r->status));
	buf_printf(&b, ",\"status\":%d,\"detail\":", r->status);
	buf_json_str(&b, detail);
	buf_printf(&b, ",\"code\":\"%s\",\"reason\":\"%s\"", r->code, r->name);
	if (errors) {
		char *e = json_dumps(errors, JSON_COMPACT);

		if (e) {
			buf_puts(&b, ",\"errors\":");
			buf_puts(&b, e);
			free(e);
		}
	}
	buf_putc(&b, '}');
	if (b.oom) {
		buf_free(&b);
		reply_take(c, 500, "", NULL, 0);
		return;
	}
	reply_take(c, r->status, "application/problem+json", b.data, b.len);
	if (r->status == 401) {
		reply_header(c, "WWW-Authenticate", r == &reasons[R_invalid_token]
		             ? "Bearer error=\"invalid_token\"" : "Bearer");
	} else if (r->status == 503) {
		reply_header(c, "Retry-After", "2");
	}
}

void
reply_reason(struct call *c, enum reason_id r)
{
	problem(c, &reasons[r], NULL, NULL);
}

void
reply_reason_about(struct call *c, enum reason_id r, const char *subject)
{
	const char *fmt = c->lang == LANG_EN ? reasons[r].en : reasons[r].es;
	const char *at = strstr(fmt, "%s");
	char detail[320];

	if (at == NULL) {
		problem(c, &reasons[r], NULL, NULL);
		return;
	}
	snprintf(detail, sizeof detail, "%.*s%.64s%s", (int)(at - fmt), fmt, subject, at + 2);
	if (r == R_invalid_parameter) {
		/* The parameter named in errors too: pointer "/query/<name>" (RFC 6901 escapes). */
		struct buf ptr = BUF_INIT;
		json_t *errors;

		buf_puts(&ptr, "/query/");
		for (const char *s = subject; *s; s++) {
			if (*s == '~')
				buf_puts(&ptr, "~0");
			else if (*s == '/')
				buf_puts(&ptr, "~1");
			else
				buf_putc(&ptr, *s);
		}
		errors = ptr.oom ? NULL : json_pack("[{s:s,s:s}]", "pointer", ptr.data,
		                                    "message", detail);
		buf_free(&ptr);
		problem(c, &reasons[r], detail, errors);
		json_decref(errors);
		return;
	}
	problem(c, &reasons[r], detail, NULL);
}

void
reply_invalid(struct call *c, struct verr *v)
{
	problem(c, &reasons[R_validation_failed], NULL, c->lang == LANG_EN ? v->en : v->es);
}

/* The status a database error answers with, and the reason when the database named none
 * (or one the catalogue lacks). */
static const struct {
	int status;
	enum reason_id fallback;
} db_errors[] = {
	[DB_OK] = {404, R_not_found},          /* a statement that found no row */
	[DB_NOT_FOUND] = {404, R_not_found},
	[DB_CONFLICT] = {409, R_conflict},
	[DB_FORBIDDEN] = {403, R_role_forbidden},
	[DB_PRECONDITION] = {412, R_stale},
	[DB_INVALID] = {422, R_validation_failed},
	[DB_RATE_LIMITED] = {429, R_rate_limited},
	[DB_UNAVAILABLE] = {503, R_database_unavailable},
	[DB_ERROR] = {500, R_internal_error},
};

void
reply_db_error(struct call *c, struct db_reply *r, enum reason_id missing)
{
	const struct reason *why = r->reason[0] ? reason_from_db(r->reason) : NULL;
	int status = db_errors[r->err].status;
	json_t *errs;

	if (why == NULL || why->status != status) {
		if (r->reason[0] && status != 503 && status != 500)
			log_msg(LOG_WARN, "reason not in the catalogue: %s (%d)", r->reason, status);
		why = &reasons[status == 404 ? missing : db_errors[r->err].fallback];
	}
	if (status == 422) {
		errs = json_pack("[{s:s,s:s}]", "pointer", r->extra ? r->extra : "",
		                 "message", c->lang == LANG_EN ? why->en : why->es);
		problem(c, why, NULL, errs);
		json_decref(errs);
	} else {
		problem(c, why, NULL, NULL);
		if (status == 429)
			reply_header(c, "Retry-After", r->extra ? r->extra : "60");
	}
	db_reply_free(r);
}
