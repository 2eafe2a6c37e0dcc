/* The one path of a declared endpoint. Handlers of rows with a flow of their own run
 * here too, after the same authorization and query checks. */
#include "http/route.h"

#include <stdio.h>
#include <string.h>

/* The text of parameter a; num and etag are room the value may be written into. */
static const char *
arg_value(const struct call *c, enum arg a, char num[INT_TEXT_MAX], char etag[ETAG_MAX])
{
	switch (a) {
	case A_SUB: return c->actor.sub;
	case A_ROLE: return c->actor.role;
	case A_STAFF: return db_bool(c->actor.staff);
	case A_UNIT: return c->actor.unit_id > 0 ? db_int(num, c->actor.unit_id) : NULL;
	case A_ID: return db_int(num, c->id);
	case A_SUB_ID: return db_int(num, c->sub_id);
	case A_BODY: return c->body_text;
	case A_IF_MATCH: return if_match(c, etag);
	case A_AFTER: return db_int(num, c->after);
	case A_LIMIT: return db_int(num, c->limit);
	case A_Q0: case A_Q1: case A_Q2: case A_Q3: case A_Q4: case A_Q5: case A_Q6: case A_Q7:
	case A_Q8:
		return c->q[a - A_Q0];
	case A_EXTRA0: case A_EXTRA1: return c->extra[a - A_EXTRA0];
	case A_FALSE: return db_bool(false);
	case A_END: break;
	}
	return NULL;
}

/* Location of a created resource: the row's collection, its ":id" the path's id, then
 * the new resource's id (returned by the statement, not read from the body). */
static void
set_location(struct call *c, const char *collection, int64_t id)
{
	const char *at = strstr(collection, ":id");
	char loc[160];

	if (at)
		snprintf(loc, sizeof loc, "%.*s%lld%s/%lld", (int)(at - collection), collection,
		         (long long)c->id, at + 3, (long long)id);
	else
		snprintf(loc, sizeof loc, "%s/%lld", collection, (long long)id);
	reply_header(c, "Location", loc);
}

void
route_answer(struct call *c, struct db_reply *res)
{
	const struct route *r = c->route;

	switch (r->answer) {
	case ANSWER_ONE:
		reply_db(c, 200, res, r->missing);
		break;
	case ANSWER_LIST:
		reply_db_list(c, res, r->missing);
		break;
	case ANSWER_CREATED:
		if (res->err == DB_OK && res->id > 0)
			set_location(c, r->location, res->id);
		reply_db(c, 201, res, r->missing);
		break;
	case ANSWER_EMPTY:
		if (res->err != DB_OK) {
			reply_db_error(c, res, r->missing);
			break;
		}
		db_reply_free(res);
		reply_status(c, 204);
		break;
	}
}

/* The body the row accepts: its members and rule, or none at all on a write. */
static bool
body_accepted(struct call *c, const struct route *r)
{
	if ((r->body || r->rule) && r->body_optional && c->body == NULL)
		return true;
	if (r->body || r->rule)
		return body_checked(c, r->body, r->rule, r->rule_arg, r->patch);
	return strcmp(c->method, "GET") == 0 || body_none(c);
}

void
route_call(struct call *c)
{
	const struct route *r = c->route;
	char num[ARGS_MAX][INT_TEXT_MAX], etag[ETAG_MAX];
	const char *v[ARGS_MAX];
	struct db_reply res;
	int n = 0;

	for (; n < ARGS_MAX && r->args[n] != A_END; n++)
		v[n] = arg_value(c, (enum arg)r->args[n], num[n], etag);
	db_call(r->stmt, n, v, &res);
	route_answer(c, &res);
}

void
reply_negotiated(struct call *c, const struct media_choice *choices, int n)
{
	const char *types[MEDIA_CHOICES_MAX];
	int i;

	for (i = 0; i < n && i < MEDIA_CHOICES_MAX; i++)
		types[i] = choices[i].type;
	reply_header(c, "Vary", "Accept");
	i = accept_media(header(c, "Accept"), types, i);
	if (i < 0)
		reply_reason(c, R_not_acceptable);
	else if (choices[i].reply)
		choices[i].reply(c);
	else if (choices[i].rendered)
		reply_rendered(c, choices[i].rendered, c->route->missing);
	else
		route_call(c);
}

void
route_run(struct call *c)
{
	const struct route *r = c->route;

	if (!authorize(c, r->action) || !query_read(c))
		return;
	if (r->handler)
		r->handler(c);
	else if ((r->check == NULL || r->check(c)) && body_accepted(c, r))
		route_call(c);
}
