/* /api/v1/axes/{id}/agreements and /api/v1/agreements/{id}: the agreements ("acuerdos")
 * of an axis and the accepted observations they answer. Reads follow the plan's
 * visibility; the administrator changes them while the plan is a draft. */
#include "db/agreements.h"
#include "http/router.h"

static const struct field agreement_create_fields[] = {
	{"number", F_INT, F_REQUIRED, 1, 1000, NULL},
	{"text", F_STRING, F_REQUIRED, 1, 5000, NULL},
	{"observation_ids", F_INT_ARRAY, 0, 0, 200, NULL},
	{"reason", F_STRING, 0, 10, 1000, NULL},   /* an amendment of an approved plan */
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field agreement_patch_fields[] = {
	{"number", F_INT, 0, 1, 1000, NULL},
	{"text", F_STRING, 0, 1, 5000, NULL},
	{"observation_ids", F_INT_ARRAY, 0, 0, 200, NULL},
	{"reason", F_STRING, 0, 10, 1000, NULL},   /* an amendment of an approved plan */
	{NULL, F_ANY, 0, 0, 0, NULL},
};

const struct route agreement_routes[] = {
	/* The axis's agreements by number. */
	{.method = "GET", .pattern = "/api/v1/axes/:id/agreements", .action = ACT_READ,
	 .paged = true, .stmt = &db_agreement_list, .args = {A_STAFF, A_ID, A_AFTER, A_LIMIT},
	 .answer = ANSWER_LIST, .missing = R_axis_not_found},
	/* observation_ids: accepted observations of the same plan (422 at
	 * /observation_ids/N). */
	{.method = "POST", .pattern = "/api/v1/axes/:id/agreements", .action = ACT_PLAN_WRITE,
	 .body = agreement_create_fields,
	 .stmt = &db_agreement_create, .args = {A_SUB, A_ROLE, A_ID, A_BODY},
	 .answer = ANSWER_CREATED, .location = "/api/v1/agreements"},
	/* PATCH changes the members given, observation_ids the whole list; after a DELETE the
	 * agreement's activities stay, with agreement_id null. */
	STRUCTURE_ITEM_ROUTES("/api/v1/agreements/:id", agreement, agreement_patch_fields,
	                      R_agreement_not_found),
	ROUTES_END,
};
