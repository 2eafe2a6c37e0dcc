/* The permission matrix. Rows are actions, columns roles: public, ciudadanos,
 * directores, administradora. A cell is NO, YES, or allowed only through a relation with
 * the data (UNIT, AUTHOR). An unknown role may do nothing that needs a role (403). */
#include "auth/policy.h"

#include <string.h>

/* UNIT and AUTHOR let the role through here; the action's SQL function then checks the
 * relation with the data, in the same statement as the change: UNIT, the director's unit
 * is among the activity's (policy_require_unit, else 403 not_your_unit); AUTHOR, the
 * observation is the citizen's own (observation_is_own, else 403 not_author). */
enum cell { NO, YES, UNIT, AUTHOR };

static const enum cell matrix[ACT_COUNT][4] = {
	/*                      public ciudad. direct. admin */
	[ACT_READ]            = {YES,  YES,    YES,    YES},
	[ACT_ME]              = {NO,   YES,    YES,    YES},
	[ACT_PLAN_WRITE]      = {NO,   NO,     NO,     YES},
	[ACT_UNIT_WRITE]      = {NO,   NO,     NO,     YES},
	[ACT_USER_ADMIN]      = {NO,   NO,     NO,     YES},
	[ACT_AUDIT_READ]      = {NO,   NO,     NO,     YES},
	[ACT_OBS_SUBMIT]      = {NO,   YES,    YES,    YES},
	[ACT_OBS_REVIEW]      = {NO,   NO,     YES,    YES},
	[ACT_OBS_WITHDRAW]    = {NO,   AUTHOR, NO,     NO},
	[ACT_OWN_OBS_READ]    = {NO,   YES,    NO,     NO},
	[ACT_REPORT_PROGRESS] = {NO,   NO,     UNIT,   YES},
	[ACT_WEBHOOK_ADMIN]   = {NO,   NO,     NO,     YES},
};

static enum cell
cell(enum role r, enum action a)
{
	if ((unsigned)a >= ACT_COUNT)
		return NO;
	if (r == ROLE_OTHER || (unsigned)r > ROLE_ADMIN)
		return a == ACT_READ ? YES : NO;
	return matrix[a][r];
}

bool
policy_allows(enum role r, enum action a)
{
	return cell(r, a) != NO;
}

bool
policy_is_staff(enum role r)
{
	return r == ROLE_DIRECTORES || r == ROLE_ADMIN;
}

int
policy_gate(enum role r, bool write, const char *pattern)
{
	if (strncmp(pattern, "/api/v1/", 8) != 0 || strncmp(pattern, "/api/v1/auth/", 13) == 0)
		return 0;
	if (r == ROLE_PUBLIC)
		return write ? 401 : 0;
	return r == ROLE_OTHER || (unsigned)r > ROLE_ADMIN ? 403 : 0;
}
