/* Who may do what: the role × action table of API.md, and the two relations some cells
 * depend on, in one place. Every handler asks authorize(c, ACT_…) (http/call.h) before it
 * touches data; the relations are checked with the data by the action's SQL function. */
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
	ACT_OBS_WITHDRAW,      /* citizens: their own (REL_AUTHOR), while received */
	ACT_OWN_OBS_READ,      /* GET /me/observations */
	ACT_REPORT_PROGRESS,   /* admin; directors only on activities of their unit (REL_UNIT) */
	ACT_COUNT
};

/* A relation between the actor and the data that a cell of the table requires. The SQL
 * write function of the action checks it, in the same statement as the change. */
enum relation {
	REL_NONE,    /* the role alone decides */
	REL_UNIT,    /* the director's unit_id is among the activity's units:
	              * policy_require_unit(role, unit_id, activity_id), else 403 not_your_unit */
	REL_AUTHOR,  /* the observation's author is the actor (a citizen):
	              * observation_is_own() of migrations/006_observations.sql, else 403
	              * not_author (someone else's observation they cannot see is 404) */
};

/* True if role r may perform a (before any relation is checked). */
bool policy_allows(enum role r, enum action a);
/* The relation r must also have with the data to perform a (REL_NONE if none). */
enum relation policy_relation(enum role r, enum action a);
/* What the role decides before a request's body is read or any data is touched: 401
 * (no token) for a write under /api/v1 other than logging in or registering, since every
 * such write needs a role; 403 for a role outside the three on anything under /api/v1
 * but those; else 0, and the handler's authorize() decides the action. pattern is the
 * matched route's pattern. */
int policy_gate(enum role r, bool write, const char *pattern);
/* True if r sees drafts, authors and every observation. The public and citizens do not:
 * a draft plan and everything in it is 404 to them. */
bool policy_is_staff(enum role r);

#endif
