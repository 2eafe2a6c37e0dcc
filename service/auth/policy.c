/* The permission matrix. Rows are actions, columns roles: public, ciudadanos,
 * directores, administradora. An unknown role may do nothing that needs a role. */
#include "auth/policy.h"

static const bool matrix[ACT_COUNT][4] = {
	/*                      public ciudad. direct. admin */
	[ACT_READ]            = {true,  true,  true,  true},
	[ACT_ME]              = {false, true,  true,  true},
	[ACT_PLAN_WRITE]      = {false, false, false, true},
	[ACT_UNIT_WRITE]      = {false, false, false, true},
	[ACT_USER_ADMIN]      = {false, false, false, true},
	[ACT_AUDIT_READ]      = {false, false, false, true},
	[ACT_OBS_SUBMIT]      = {false, true,  true,  true},
	[ACT_OBS_REVIEW]      = {false, false, true,  true},
	[ACT_OBS_WITHDRAW]    = {false, true,  false, false},
	[ACT_OWN_OBS_READ]    = {false, true,  false, false},
	[ACT_REPORT_PROGRESS] = {false, false, true,  true},
};

bool
policy_allows(enum role r, enum action a)
{
	if (r == ROLE_OTHER)
		return a == ACT_READ;
	return matrix[a][r];
}

bool
policy_is_staff(enum role r)
{
	return r == ROLE_DIRECTORES || r == ROLE_ADMIN;
}
