/* /api/v1/plans/{id}/activities, /api/v1/axes/{id}/activities and /api/v1/activities/{id}:
 * the schedule of activities ("cronograma de cumplimiento"), as JSON pages or as one CSV
 * for spreadsheets. Reads follow the plan's visibility; the administrator changes the
 * structure while the plan is a draft (progress has its own resource). */
#include <stdio.h>

#include "db/activities.h"
#include "http/router.h"

static const char *const statuses[] = {"pending", "in_progress", "done", "cancelled", "not_done",
                                      NULL};
static const char *const booleans[] = {"true", "false", NULL};

/* The filter, in the order the list and schedule statements take it (A_Q0 … A_Q5). */
static const struct field activity_query[] = {
	{"axis_id", F_INT, 0, 1, ID_MAX, NULL},
	{"unit_id", F_INT, 0, 1, ID_MAX, NULL},
	{"due_month", F_INT, 0, 1, 12, NULL},
	{"status", F_STRING, 0, 0, 0, statuses},
	{"overdue", F_STRING, 0, 0, 0, booleans},
	{"agreement_id", F_INT, 0, 1, ID_MAX, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field activity_create_fields[] = {
	{"description", F_STRING, F_REQUIRED, 1, 5000, NULL},
	{"due_month", F_INT, F_REQUIRED, 1, 12, NULL},
	{"unit_ids", F_INT_ARRAY, F_REQUIRED, 1, 50, NULL},
	{"agreement_id", F_INT, F_NULLABLE, 1, ID_MAX, NULL},
	{"observation_ids", F_INT_ARRAY, 0, 0, 200, NULL},
	{"number", F_INT, 0, 1, 10000, NULL},
	{"reason", F_STRING, 0, 10, 1000, NULL},   /* an amendment of an approved plan */
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field activity_patch_fields[] = {
	{"description", F_STRING, 0, 1, 5000, NULL},
	{"due_month", F_INT, 0, 1, 12, NULL},
	{"unit_ids", F_INT_ARRAY, 0, 1, 50, NULL},
	{"agreement_id", F_INT, F_NULLABLE, 1, ID_MAX, NULL},
	{"observation_ids", F_INT_ARRAY, 0, 0, 200, NULL},
	{"number", F_INT, 0, 1, 10000, NULL},
	{"reason", F_STRING, 0, 10, 1000, NULL},   /* an amendment of an approved plan */
	{NULL, F_ANY, 0, 0, 0, NULL},
};

/* The whole filtered schedule as a CSV download. */
static void
schedule_csv(struct call *c)
{
	static const char *const head[] = {"eje", "actividad", "mes", "responsables", "estado",
	                                   "avance"};
	char plan[INT_TEXT_MAX], filename[64];
	struct db_reply r;

	db_call(&db_activity_schedule, 8, (const char *[]){db_bool(c->actor.staff),
	        db_int(plan, c->id), c->q[0], c->q[1], c->q[2], c->q[3], c->q[4], c->q[5]}, &r);
	snprintf(filename, sizeof filename, "cronograma-plan-%lld.csv", (long long)c->id);
	reply_csv(c, &r, head, sizeof head / sizeof head[0], filename, R_plan_not_found);
}

/* A page of the JSON list: the page is read here, as only the JSON is paged. */
static void
activity_page(struct call *c)
{
	if (query_page(c))
		route_call(c);
}

/* GET /api/v1/plans/{id}/activities: a page of JSON, or with Accept: text/csv the whole
 * schedule; 406 when Accept allows neither. */
static void
activity_list(struct call *c)
{
	static const struct media_choice media[] = {
		{"application/json", activity_page, NULL},
		{"text/csv", schedule_csv, NULL},
	};

	reply_negotiated(c, media, 2);
}

const struct route activity_routes[] = {
	/* Paged as JSON only (activity_list): the CSV is the whole schedule. */
	{.method = "GET", .pattern = "/api/v1/plans/:id/activities", .action = ACT_READ,
	 .query = activity_query, .handler = activity_list,
	 .stmt = &db_activity_list,
	 .args = {A_STAFF, A_ID, A_Q0, A_Q1, A_Q2, A_Q3, A_Q4, A_Q5, A_AFTER, A_LIMIT},
	 .answer = ANSWER_LIST, .missing = R_plan_not_found},
	/* number defaults to the axis's next free one; observation_ids: accepted ones of the
	 * same axis (422 at /observation_ids/N). */
	{.method = "POST", .pattern = "/api/v1/axes/:id/activities", .action = ACT_PLAN_WRITE,
	 .body = activity_create_fields,
	 .stmt = &db_activity_create, .args = {A_SUB, A_ROLE, A_ID, A_BODY},
	 .answer = ANSWER_CREATED, .location = "/api/v1/activities"},
	/* PATCH changes structure members only, unit_ids and observation_ids their whole
	 * lists; DELETE takes the activity's progress updates with it. */
	STRUCTURE_ITEM_ROUTES("/api/v1/activities/:id", activity, activity_patch_fields,
	                      R_activity_not_found),
	ROUTES_END,
};
