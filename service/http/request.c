/* Reading a request: headers, the route's declared query parameters, the body against
 * its fields, and the role's permission. Each check that fails has already answered. */
#include "http/call.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
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

/* True if v is an acceptable value of the declared parameter f. */
static bool
param_ok(const struct field *f, const char *v)
{
	int64_t n;

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

bool
query_read(struct call *c)
{
	const struct route *r = c->route;
	int i = 0;

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
