/* /api/v1/activities/{id}/updates: an activity's progress timeline and reporting progress. */
#include <stdio.h>

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

/* GET /api/v1/activities/{id}/updates: the timeline, oldest first; public once approved. */
static void
progress_list(struct call *c)
{
	struct db_reply r;
	int64_t limit, after;

	if (!query_page(c, &limit, &after))
		return;
	db_progress_list(&c->actor, c->id, after, limit, &r);
	reply_db_list(c, &r);
}

/* GET /api/v1/activities/{id}/updates/{update_id}: one report, where 201 points to. */
static void
progress_get(struct call *c)
{
	struct db_reply r;

	db_progress_get(&c->actor, c->id, c->sub_id, &r);
	reply_db(c, 200, &r);
}

/* POST /api/v1/activities/{id}/updates: the administradora, or a director of one of the
 * activity's units (checked with the data), reports progress on an approved plan. */
static void
progress_create(struct call *c)
{
	struct db_reply r;
	char prefix[80];

	if (!authorize(c, ACT_REPORT_PROGRESS) || !body_valid(c, progress_fields))
		return;
	db_progress_create(&c->actor, c->id, c->body_text, &r);
	snprintf(prefix, sizeof prefix, "/api/v1/activities/%lld/updates", (long long)c->id);
	reply_created(c, prefix, &r);
}

const struct route progress_routes[] = {
	{"GET", "/api/v1/activities/:id/updates", progress_list},
	{"POST", "/api/v1/activities/:id/updates", progress_create},
	{"GET", "/api/v1/activities/:id/updates/:sub", progress_get},
	ROUTES_END,
};
