/* Who may do what: the role × action table (openapi/openapi.yaml, "Roles"), and the two
 * relations some cells depend on, in one place. Every route names its action and is
 * authorized (http/route.c) before it touches data; the relations are checked with the
 * data by the action's SQL function. */
#ifndef AUTH_POLICY_H
#define AUTH_POLICY_H

#include <stdbool.h>

#include "auth/token.h"

enum action {
	ACT_READ,              /* public reads (visibility rules apply per resource) */
	ACT_ME,                /* any valid token of a known role */
	ACT_PLAN_WRITE,        /* plans, axes, agreements, activities: structure and state */
	ACT_UNIT_WRITE,
	ACT_USER_ADMIN,        /* GET/POST /users, PATCH /users/{id} */
	ACT_AUDIT_READ,
	ACT_OBS_SUBMIT,        /* citizens (online) and staff (also deliberation) */
	ACT_OBS_REVIEW,        /* move an observation through its review */
	ACT_OBS_WITHDRAW,      /* citizens: their own (the AUTHOR relation), while received */
	ACT_OWN_OBS_READ,      /* GET /me/observations */
	ACT_REPORT_PROGRESS,   /* admin; directors only on activities of their unit (the UNIT relation) */
	ACT_WEBHOOK_ADMIN,     /* /webhooks: subscriptions and their deliveries */
	ACT_COUNT
};

/* True if role r may perform a (before any relation is checked). */
bool policy_allows(enum role r, enum action a);
/* What the role decides before a request's body is read or any data is touched: 401
 * (no token) for a write under /api/v1 other than logging in or registering, since every
 * such write needs a role; 403 for a role outside the three on anything under /api/v1
 * but those; else 0, and the route's action decides. pattern is the
 * matched route's pattern. */
int policy_gate(enum role r, bool write, const char *pattern);
/* True if r sees drafts, authors and every observation. The public and citizens do not:
 * a draft plan and everything in it is 404 to them. */
bool policy_is_staff(enum role r);

#endif
