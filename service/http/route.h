/* Endpoints declared as data. A route row names its method and path, the action the
 * policy must allow, the query parameters and body members it accepts, the prepared
 * statement with where each of its parameters comes from, and the kind of answer. One
 * generic path (route_run) runs such rows: authorize → query → body → one statement →
 * reply. A row with a handler runs its own flow after authorize and query. */
#ifndef HTTP_ROUTE_H
#define HTTP_ROUTE_H

#include "http/call.h"

/* Where a statement parameter comes from. */
enum arg {
	A_END = 0,
	A_SUB, A_ROLE, A_STAFF, A_UNIT,  /* the actor: sub, role, "t"/"f", unit id or NULL */
	A_ID, A_SUB_ID,                  /* the path's ids */
	A_BODY,                          /* the body as sent (validated) */
	A_IF_MATCH,                      /* the If-Match ETag without quotes, or NULL */
	A_AFTER, A_LIMIT,                /* the page asked for */
	A_Q0, A_Q1, A_Q2, A_Q3, A_Q4, A_Q5, A_Q6, A_Q7, A_Q8,  /* the declared query parameters, NULL when absent */
	A_EXTRA0, A_EXTRA1,              /* what the route's check computed (c->extra) */
	A_FALSE,                         /* the boolean false */
};
#define ARGS_MAX 15

/* What a row answers with. */
enum answer {
	ANSWER_ONE,      /* 200 and the resource, its ETag; 304 on If-None-Match */
	ANSWER_LIST,     /* 200 and a page {items, next_cursor} */
	ANSWER_CREATED,  /* 201, the resource and Location: location + "/" + its id */
	ANSWER_EMPTY,    /* 204 */
};

struct route {
	const char *method;
	const char *pattern;          /* literal segments, ":id" and ":sub" (positive integers),
	                               * ":file" (a name its handler looks up) */
	enum action action;           /* what the policy must allow before anything else */
	const struct field *query;    /* accepted query parameters (F_INT, F_STRING with
	                               * choices, or F_ANY for the handler); NULL: none */
	bool paged;                   /* also limit and cursor */
	bool (*check)(struct call *c);  /* the route's own checks before the body's */
	const struct field *body;     /* the body's members; NULL with no rule: no body */
	body_rule rule;               /* a rule over the whole body (rule_arg its argument) */
	const void *rule_arg;
	bool patch;                   /* the body must change something */
	bool body_optional;           /* no body at all is accepted (A_BODY is then NULL) */
	size_t body_max;              /* the largest body taken (413 above, before it is read);
	                               * 0: MAX_BODY_BYTES, or BODY_NONE_MAX for a row that takes
	                               * no body (http/body.c) */
	struct db_stmt *stmt;
	unsigned char args[ARGS_MAX]; /* enum arg, in the statement's order */
	enum answer answer;
	const char *location;         /* ANSWER_CREATED: the collection (":id" is the path's) */
	enum reason_id missing;       /* the reason when the statement finds no row */
	void (*handler)(struct call *c);  /* a flow of its own instead of the statement */
};

/* The three rows of an item of the plan's structure (a plan, an axis, an agreement, an
 * activity) at path ("/api/v1/<items>/:id"), alike for all four: GET as the plan's
 * visibility allows (db_<name>_get), PATCH with the members of patch_fields and If-Match
 * (db_<name>_update) and DELETE (db_<name>_delete) as the plan's state allows (the SQL
 * functions decide); not_found when there is no such item. */
#define STRUCTURE_ITEM_ROUTES(path, name, patch_fields, not_found)                        \
	{.method = "GET", .pattern = path, .action = ACT_READ,                           \
	 .stmt = &db_##name##_get, .args = {A_ID, A_STAFF},                               \
	 .answer = ANSWER_ONE, .missing = not_found},                                     \
	{.method = "PATCH", .pattern = path, .action = ACT_PLAN_WRITE,                   \
	 .body = patch_fields, .patch = true,                                              \
	 .stmt = &db_##name##_update, .args = {A_SUB, A_ROLE, A_ID, A_BODY, A_IF_MATCH},  \
	 .answer = ANSWER_ONE, .missing = not_found},                                     \
	{.method = "DELETE", .pattern = path, .action = ACT_PLAN_WRITE,                  \
	 .stmt = &db_##name##_delete, .args = {A_SUB, A_ROLE, A_ID},                      \
	 .answer = ANSWER_EMPTY, .missing = not_found}

/* One representation a handler with content negotiation offers: its media type and how it
 * is answered: by reply, else as the file rendered renders, else by the route's statement. */
struct media_choice {
	const char *type;
	void (*reply)(struct call *c);
	const struct rendering *rendered;
};
#define MEDIA_CHOICES_MAX 8

/* Answers c in the first of the n choices that its Accept prefers, with Vary: Accept; 406
 * when Accept allows none. A rendered file's missing row is c->route's missing reason. */
void reply_negotiated(struct call *c, const struct media_choice *choices, int n);

/* Runs c->route for c. */
void route_run(struct call *c);
/* Runs c->route's statement with its args and answers (for handlers that decide to). */
void route_call(struct call *c);
/* Answers res as c->route's answer says (for handlers that build the statement's
 * parameters themselves). Frees res. */
void route_answer(struct call *c, struct db_reply *res);

#endif
