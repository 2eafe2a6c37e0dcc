/* /api/v1/activities/{id}/updates: an activity's progress timeline and reporting progress. */
#include "db/progress.h"
#include "http/router.h"

static const char *const activity_statuses[] = {"pending", "in_progress", "done", "cancelled",
                                                NULL};

static const struct field progress_fields[] = {
	{"progress", F_INT, F_REQUIRED, 0, 100, NULL},
	{"status", F_STRING, 0, 0, 0, activity_statuses},
	{"note", F_STRING, F_REQUIRED, 1, 5000, NULL},
	{"evidence_url", F_URL, F_NULLABLE, 0, 0, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

const struct route progress_routes[] = {
	/* The timeline, oldest first; public once approved. */
	{.method = "GET", .pattern = "/api/v1/activities/:id/updates", .action = ACT_READ,
	 .paged = true, .stmt = &db_progress_list, .args = {A_STAFF, A_ID, A_AFTER, A_LIMIT},
	 .answer = ANSWER_LIST, .missing = R_activity_not_found},
	/* The administradora, or a director of one of the activity's units (checked with the
	 * data: 403 not_your_unit), reports progress on an approved plan. */
	{.method = "POST", .pattern = "/api/v1/activities/:id/updates",
	 .action = ACT_REPORT_PROGRESS, .body = progress_fields,
	 .stmt = &db_progress_create, .args = {A_SUB, A_ROLE, A_UNIT, A_ID, A_BODY},
	 .answer = ANSWER_CREATED, .location = "/api/v1/activities/:id/updates"},
	/* One report, where 201 points to. */
	{.method = "GET", .pattern = "/api/v1/activities/:id/updates/:sub", .action = ACT_READ,
	 .stmt = &db_progress_get, .args = {A_ID, A_SUB_ID, A_STAFF},
	 .answer = ANSWER_ONE, .missing = R_progress_update_not_found},
	ROUTES_END,
};
