/* /api/v1/audit: every change, newest first, for the administradora. */
#include "db/audit.h"
#include "http/router.h"

static const char *const audit_entities[] = {"plan", "axis", "observation", "agreement",
                                             "unit", "activity", "progress_update", "user",
                                             NULL};

static const struct field audit_query[] = {
	{"entity", F_STRING, 0, 0, 0, audit_entities},
	{"entity_id", F_INT, 0, 1, ID_MAX, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

const struct route audit_routes[] = {
	/* ?entity=&entity_id=: a keyset page; the cursor is the last id seen. */
	{.method = "GET", .pattern = "/api/v1/audit", .action = ACT_AUDIT_READ,
	 .query = audit_query, .paged = true,
	 .stmt = &db_audit_list, .args = {A_Q0, A_Q1, A_AFTER, A_LIMIT}, .answer = ANSWER_LIST},
	ROUTES_END,
};
