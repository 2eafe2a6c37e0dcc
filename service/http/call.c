/* Replies, problem documents and request inputs: the helpers every handler uses. */
#include "http/call.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/cursor.h"
#include "core/jsontext.h"
#include "auth/policy.h"
#include "http/messages.h"
#include "http/router.h"

void
reply_header(struct call *c, const char *name, const char *value)
{
	u_map_put(c->res->map_header, name, value);
}

static void
set_body(struct call *c, int status, const char *type, char *owned, size_t n)
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
		c->res->status = 500;
		c->status = 500;
		return;
	}
	memcpy(p, text, n);
	p[n] = '\0';
	set_body(c, status, type, p, n);
}

void
reply_json(struct call *c, int status, const char *json)
{
	reply_text(c, status, "application/json", json, strlen(json));
}

void
reply_json_owned(struct call *c, int status, char *json)
{
	set_body(c, status, "application/json", json, json_compact(json));
}

/* The one writer of problem documents. reason, when given, is the machine-readable cause
 * (e.g. "plan_not_draft"), for clients that must tell two 409s apart. */
static void
problem(struct call *c, int status, const char *code, const struct msg *m, json_t *errors,
        const char *reason)
{
	struct buf b = BUF_INIT;
	const char *detail;

	if (m == NULL)
		m = msg_for_status(status);
	detail = c->lang == LANG_EN ? m->en : m->es;
	buf_printf(&b, "{\"type\":\"urn:rendicion:problem:%s\",\"title\":", code);
	buf_json_str(&b, msg_title(status));
	buf_printf(&b, ",\"status\":%d,\"detail\":", status);
	buf_json_str(&b, detail);
	buf_printf(&b, ",\"code\":\"%s\"", code);
	if (reason) {
		buf_puts(&b, ",\"reason\":");
		buf_json_str(&b, reason);
	}
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
		c->res->status = 500;
		c->status = 500;
		return;
	}
	set_body(c, status, "application/problem+json", b.data, b.len);
	if (status == 401) {
		reply_header(c, "WWW-Authenticate", strcmp(code, "invalid_token") == 0
		             ? "Bearer error=\"invalid_token\"" : "Bearer");
	} else if (status == 503) {
		reply_header(c, "Retry-After", "2");
	}
}

void
reply_problem(struct call *c, int status, const char *code, const struct msg *m)
{
	problem(c, status, code, m, NULL, NULL);
}

void
reply_invalid(struct call *c, struct verr *v)
{
	problem(c, 422, "validation_failed", NULL, c->lang == LANG_EN ? v->en : v->es, NULL);
}

/* True if the If-None-Match list names etag (quoted), or is "*". */
static bool
etag_listed(const char *list, const char *quoted)
{
	size_t n = strlen(quoted);
	const char *p = list;

	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, quoted, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return true;
		while (*p && *p != ',')
			p++;
	}
	return false;
}

void
reply_db_error(struct call *c, struct db_reply *r)
{
	const struct msg *m = r->reason[0] ? msg_for_reason(r->reason) : NULL;
	const char *reason = m ? r->reason : NULL;
	json_t *errs;

	switch (r->err) {
	case DB_OK:
	case DB_NOT_FOUND:
		problem(c, 404, "not_found", m, NULL, reason);
		break;
	case DB_CONFLICT:
		problem(c, 409, "conflict", m, NULL, reason);
		break;
	case DB_FORBIDDEN:
		problem(c, 403, "forbidden", m, NULL, reason);
		break;
	case DB_PRECONDITION:
		problem(c, 412, "precondition_failed", NULL, NULL, NULL);
		break;
	case DB_INVALID:
		if (m == NULL)
			m = msg_for_status(422);
		errs = json_pack("[{s:s,s:s}]", "pointer", r->extra ? r->extra : "",
		                 "message", c->lang == LANG_EN ? m->en : m->es);
		problem(c, 422, "validation_failed", m, errs, reason);
		json_decref(errs);
		break;
	case DB_RATE_LIMITED:
		problem(c, 429, "rate_limited", m, NULL, reason);
		reply_header(c, "Retry-After", r->extra ? r->extra : "60");
		break;
	case DB_UNAVAILABLE:
		reply_problem(c, 503, "database_unavailable", &MSG_DB_DOWN);
		break;
	case DB_ERROR:
		reply_problem(c, 500, "internal_error", NULL);
		break;
	}
	db_reply_free(r);
}

void
reply_db(struct call *c, int status, struct db_reply *r)
{
	char quoted[80];
	const char *inm;

	if (r->err != DB_OK) {
		reply_db_error(c, r);
		return;
	}
	if (r->etag) {
		snprintf(quoted, sizeof quoted, "\"%s\"", r->etag);
		reply_header(c, "ETag", quoted);
		inm = header(c, "If-None-Match");
		if (status == 200 && inm && etag_listed(inm, quoted)) {
			set_body(c, 304, "application/json", NULL, 0);
			db_reply_free(r);
			return;
		}
	}
	reply_json_owned(c, status, r->body);
	r->body = NULL;
	db_reply_free(r);
}

/* The value of the leading "id" member of a JSON object text, or 0. */
static long long
leading_id(const char *json)
{
	const char *p = json;

	while (*p == '{' || *p == ' ')
		p++;
	if (strncmp(p, "\"id\"", 4) != 0)
		return 0;
	p += 4;
	while (*p == ' ' || *p == ':')
		p++;
	return strtoll(p, NULL, 10);
}

void
reply_created(struct call *c, const char *prefix, struct db_reply *r)
{
	char loc[160];

	if (r->err == DB_OK) {
		snprintf(loc, sizeof loc, "%s/%lld", prefix, leading_id(r->body));
		reply_header(c, "Location", loc);
	}
	reply_db(c, 201, r);
}

void
reply_empty(struct call *c, struct db_reply *r)
{
	if (r->err != DB_OK) {
		reply_db_error(c, r);
		return;
	}
	db_reply_free(r);
	set_body(c, 204, "application/json", NULL, 0);
}

const char *
if_match(const struct call *c, char *buf)
{
	const char *h = header(c, "If-Match");
	size_t n;

	if (h == NULL)
		return NULL;
	while (*h == ' ')
		h++;
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	if (*h == '"')
		h++;
	n = strcspn(h, "\"");
	if (n >= 80)
		n = 79;
	memcpy(buf, h, n);
	buf[n] = '\0';
	return buf;
}

void
reply_db_list(struct call *c, struct db_reply *r)
{
	struct buf b = BUF_INIT;
	char cur[CURSOR_MAX];

	if (r->err != DB_OK) {
		reply_db_error(c, r);
		return;
	}
	buf_puts(&b, "{\"items\":");
	buf_add(&b, r->body, json_compact(r->body));
	if (r->etag) {
		cursor_encode(cursor_list(c->route->pattern), strtoll(r->etag, NULL, 10), cur);
		buf_printf(&b, ",\"next_cursor\":\"%s\"}", cur);
	} else {
		buf_puts(&b, ",\"next_cursor\":null}");
	}
	db_reply_free(r);
	if (b.oom) {
		buf_free(&b);
		reply_problem(c, 500, "internal_error", NULL);
		return;
	}
	set_body(c, 200, "application/json", b.data, b.len);
}

const char *
header(const struct call *c, const char *name)
{
	return u_map_get_case(c->req->map_header, name);
}

const char *
query(const struct call *c, const char *name)
{
	return u_map_get(c->req->map_url, name);
}

/* 400 naming the parameter in the detail (errors[] points into bodies, not queries). */
static bool
bad_param(struct call *c, const char *name)
{
	char es[160], en[160];
	struct msg m = {es, en};

	snprintf(es, sizeof es, "El parámetro '%s' de la consulta no es válido.", name);
	snprintf(en, sizeof en, "The query parameter '%s' is invalid.", name);
	problem(c, 400, "invalid_parameter", &m, NULL, NULL);
	return false;
}

bool
query_int(struct call *c, const char *name, int64_t min, int64_t max, int64_t def,
          int64_t *out)
{
	const char *v = query(c, name);
	char *end;
	long long n;

	*out = def;
	if (v == NULL)
		return true;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || *v == '\0' || *end || n < min || n > max || v[0] == ' ' || v[0] == '+')
		return bad_param(c, name);
	*out = n;
	return true;
}

bool
query_choice(struct call *c, const char *name, const char *const *choices, const char **out)
{
	const char *v = query(c, name);

	*out = NULL;
	if (v == NULL)
		return true;
	for (; *choices; choices++) {
		if (strcmp(v, *choices) == 0) {
			*out = *choices;
			return true;
		}
	}
	return bad_param(c, name);
}

bool
query_page(struct call *c, int64_t *limit, int64_t *after)
{
	const char *cur = query(c, "cursor");

	*after = 0;
	if (!query_int(c, "limit", 1, 200, 50, limit))
		return false;
	if (cur && !cursor_decode(cur, cursor_list(c->route->pattern), after)) {
		reply_problem(c, 400, "invalid_cursor", &MSG_BAD_CURSOR);
		return false;
	}
	return true;
}

bool
body_checked(struct call *c, const struct field *fields, body_rule rule, const void *arg)
{
	struct verr v;
	bool ok;

	if (c->body == NULL) {
		reply_problem(c, 400, "bad_request", &MSG_BODY_REQUIRED);
		return false;
	}
	verr_init(&v);
	ok = validate_object(c->body, fields, "", &v);
	if (rule && json_is_object(c->body) && !rule(c->body, arg, &v))
		ok = false;
	if (!ok)
		reply_invalid(c, &v);
	verr_free(&v);
	return ok;
}

bool
body_valid(struct call *c, const struct field *fields)
{
	return body_checked(c, fields, NULL, NULL);
}

bool
body_none(struct call *c)
{
	static const struct field none[] = {{NULL, F_ANY, 0, 0, 0, NULL}};

	return c->body == NULL || body_valid(c, none);
}

/* The rule of a PATCH: it must change something. */
static bool
not_empty(const json_t *body, const void *unused, struct verr *v)
{
	if (json_object_size(body) > 0)
		return true;
	verr_add(v, "", "debe tener al menos un campo", "must have at least one member");
	return false;
}

bool
body_patch_valid(struct call *c, const struct field *fields)
{
	return body_checked(c, fields, not_empty, NULL);
}

bool
deny(struct call *c)
{
	if (c->who.role == ROLE_PUBLIC)
		reply_problem(c, 401, "unauthorized", &MSG_TOKEN_REQUIRED);
	else
		reply_problem(c, 403, "forbidden", &MSG_ROLE);
	return false;
}

bool
authorize(struct call *c, enum action a)
{
	return policy_allows(c->who.role, a) || deny(c);
}

bool
is_staff(const struct call *c)
{
	return policy_is_staff(c->who.role);
}
