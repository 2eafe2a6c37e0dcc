/* /api/v1/plans/{id}/axes and /api/v1/axes/{id}: the plan's axes ("ejes"). Reads follow
 * the plan's visibility; the administrator changes them while the plan is a draft. */
#include "db/axes.h"
#include "http/router.h"

static const struct field axis_create_fields[] = {
	{"number", F_INT, F_REQUIRED, 1, 1000, NULL},
	{"name", F_STRING, F_REQUIRED | F_NAME, 1, 300, NULL},
	{"description", F_STRING, 0, 0, 5000, NULL},
	{"reason", F_STRING, 0, 10, 1000, NULL},   /* an amendment of an approved plan */
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field axis_patch_fields[] = {
	{"number", F_INT, 0, 1, 1000, NULL},
	{"name", F_STRING, F_NAME, 1, 300, NULL},
	{"description", F_STRING, 0, 0, 5000, NULL},
	{"reason", F_STRING, 0, 10, 1000, NULL},   /* an amendment of an approved plan */
	{NULL, F_ANY, 0, 0, 0, NULL},
};

const struct route axis_routes[] = {
	/* The plan's axes by number. */
	{.method = "GET", .pattern = "/api/v1/plans/:id/axes", .action = ACT_READ, .paged = true,
	 .stmt = &db_axis_list, .args = {A_STAFF, A_ID, A_AFTER, A_LIMIT},
	 .answer = ANSWER_LIST, .missing = R_plan_not_found},
	/* A new axis of a draft plan. */
	{.method = "POST", .pattern = "/api/v1/plans/:id/axes", .action = ACT_PLAN_WRITE,
	 .body = axis_create_fields,
	 .stmt = &db_axis_create, .args = {A_SUB, A_ROLE, A_ID, A_BODY},
	 .answer = ANSWER_CREATED, .location = "/api/v1/axes"},
	/* PATCH changes the members given; DELETE takes the axis's observations, agreements
	 * and activities with it. */
	STRUCTURE_ITEM_ROUTES("/api/v1/axes/:id", axis, axis_patch_fields, R_axis_not_found),
	ROUTES_END,
};
