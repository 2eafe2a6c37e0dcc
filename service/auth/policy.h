/* Who may do what: the role × action table of API.md, in one place. */
#ifndef AUTH_POLICY_H
#define AUTH_POLICY_H

#include <stdbool.h>

#include "auth/token.h"

enum action {
	ACT_READ,              /* public reads (visibility rules apply per resource) */
	ACT_ME,                /* any valid token of a known role */
	ACT_PLAN_WRITE,        /* plans, axes, agreements, activities: structure and state */
	ACT_UNIT_WRITE,
	ACT_USER_ADMIN,
	ACT_AUDIT_READ,
	ACT_OBS_SUBMIT,        /* citizens (online) and staff (also deliberation) */
	ACT_OBS_REVIEW,        /* move an observation through its review */
	ACT_OBS_WITHDRAW,      /* citizens: their own, while received */
	ACT_OWN_OBS_READ,      /* GET /me/observations */
	ACT_REPORT_PROGRESS,   /* admin; directors only on activities of their unit (the
	                        * relation is checked with the data, in api_update_create) */
	ACT_COUNT
};

/* True if role r may perform a (relations aside). */
bool policy_allows(enum role r, enum action a);
/* True if r sees drafts, authors and every observation. */
bool policy_is_staff(enum role r);

#endif
