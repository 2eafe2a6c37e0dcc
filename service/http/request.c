/* Reading a request: headers, the route's declared query parameters, the body against
 * its fields, and the role's permission. Each check that fails has already answered. */
#include "http/call.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "core/text.h"
#include "http/route.h"

#define LIMIT_DEFAULT 50
#define LIMIT_MAX 200

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

/* Parses v as a decimal integer in [min, max], written plainly (no blanks, no sign). */
static bool
int_in_range(const char *v, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long n;

	if (*v == '\0' || *v == ' ' || *v == '+')
		return false;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || *end || n < min || n > max)
		return false;
	*out = n;
	return true;
}

/* True if v is an acceptable value of the declared parameter f: text (valid UTF-8, as
 * every value is, whatever the handler then checks), and of f's form. */
static bool
param_ok(const struct field *f, const char *v)
{
	int64_t n;

	if (!utf8_valid(v, strlen(v)))
		return false;
	switch (f->type) {
	case F_INT:
		return int_in_range(v, f->min, f->max, &n);
	case F_STRING:
		for (const char *const *ch = f->choices; ch && *ch; ch++)
			if (strcmp(v, *ch) == 0)
				return true;
		return f->choices == NULL;
	default:
		return true;   /* F_ANY: the handler checks it */
	}
}

/* Decodes the key of one "key=value" piece of a query string (percent escapes and '+',
 * as Ulfius does for map_url) into out; false if it does not fit. */
static bool
key_decode(const char *p, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char ch = p[i];

		if (ch == '+') {
			ch = ' ';
		} else if (ch == '%' && i + 2 < n && isxdigit((unsigned char)p[i + 1]) &&
		           isxdigit((unsigned char)p[i + 2])) {
			char hex[3] = {p[i + 1], p[i + 2], '\0'};

			ch = (char)strtol(hex, NULL, 16);
			i += 2;
		}
		if (o + 1 >= cap)
			return false;
		out[o++] = ch;
	}
	out[o] = '\0';
	return true;
}

/* The strict rule (openapi/openapi.yaml lists what each operation accepts): every parameter
 * of the raw query string (req->http_url: map_url keeps one value per key, so repeats
 * are only visible there) must be one the route declares, or limit and cursor on a
 * list, and each at most once. Answers 400 invalid_parameter naming the first offender. */
static bool
query_strict(struct call *c)
{
	const struct route *r = c->route;
	bool list = r->paged || r->answer == ANSWER_LIST;
	const char *url = c->req->http_url, *p;
	int seen[QUERY_MAX + 2] = {0};
	char key[128];

	p = url ? strchr(url, '?') : NULL;
	if (p == NULL)
		return true;
	for (p++; *p; ) {
		size_t n = strcspn(p, "&"), kn = strcspn(p, "=&");
		int at = -1, i = 0;

		if (n == 0) {
			p++;
			continue;
		}
		if (!key_decode(p, kn, key, sizeof key)) {
			memcpy(key, p, sizeof key - 1);   /* too long to be known: name its start */
			key[sizeof key - 1] = '\0';
		} else {
			for (const struct field *f = r->query; f && f->name; f++, i++)
				if (strcmp(f->name, key) == 0)
					at = i;
			if (at < 0 && list && strcmp(key, "limit") == 0)
				at = QUERY_MAX;
			if (at < 0 && list && strcmp(key, "cursor") == 0)
				at = QUERY_MAX + 1;
		}
		if (at < 0 || seen[at]++) {
			json_t *valid = json_string(key);   /* NULL: not UTF-8, name it in ASCII */

			for (char *k = key; valid == NULL && *k; k++)
				if ((unsigned char)*k < 0x20 || (unsigned char)*k > 0x7e)
					*k = '?';
			json_decref(valid);
			reply_reason_about(c, R_invalid_parameter, key);
			return false;
		}
		p += n;
		if (*p)
			p++;
	}
	return true;
}

bool
query_read(struct call *c)
{
	const struct route *r = c->route;
	int i = 0;

	if (!query_strict(c))
		return false;
	for (const struct field *f = r->query; f && f->name; f++, i++) {
		c->q[i] = query(c, f->name);
		if (c->q[i] && !param_ok(f, c->q[i])) {
			reply_reason_about(c, R_invalid_parameter, f->name);
			return false;
		}
	}
	return !r->paged || query_page(c);
}

bool
query_page(struct call *c)
{
	const char *cur;

	c->limit = LIMIT_DEFAULT;
	c->after = 0;
	if (query(c, "limit") && !int_in_range(query(c, "limit"), 1, LIMIT_MAX, &c->limit)) {
		reply_reason_about(c, R_invalid_parameter, "limit");
		return false;
	}
	cur = query(c, "cursor");
	if (cur && !cursor_decode(cur, cursor_list(c->route->pattern), &c->after)) {
		reply_reason(c, R_invalid_cursor);
		return false;
	}
	return true;
}

bool
body_checked(struct call *c, const struct field *fields, body_rule rule, const void *arg,
             bool patch)
{
	struct verr v;
	bool ok;

	if (c->body == NULL) {
		reply_reason(c, R_body_required);
		return false;
	}
	verr_init(&v);
	ok = fields == NULL || validate_object(c->body, fields, "", &v);
	if (ok && patch && json_object_size(c->body) == 0) {
		verr_add(&v, "", "debe tener al menos un campo", "must have at least one member");
		ok = false;
	}
	if (rule && (fields == NULL || json_is_object(c->body)) && !rule(c->body, arg, &v))
		ok = false;
	if (!ok)
		reply_invalid(c, &v);
	verr_free(&v);
	return ok;
}

bool
body_none(struct call *c)
{
	static const struct field none[] = {{NULL, F_ANY, 0, 0, 0, NULL}};

	return c->body == NULL || body_checked(c, none, NULL, NULL, false);
}

bool
deny(struct call *c)
{
	reply_reason(c, c->who.role == ROLE_PUBLIC ? R_token_required : R_role_forbidden);
	return false;
}

bool
authorize(struct call *c, enum action a)
{
	return policy_allows(c->who.role, a) || deny(c);
}
