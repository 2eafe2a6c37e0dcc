/* /api/v1/plans/{id}/axes and /api/v1/axes/{id}: the plan's axes ("ejes"). Reads follow
 * the plan's visibility; the administrator changes them while the plan is a draft. */
#include "db/axes.h"
#include "http/messages.h"
#include "http/router.h"

static const struct field axis_create_fields[] = {
	{"number", F_INT, F_REQUIRED, 1, 1000, NULL},
	{"name", F_STRING, F_REQUIRED, 1, 300, NULL},
	{"description", F_STRING, 0, 0, 5000, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field axis_patch_fields[] = {
	{"number", F_INT, 0, 1, 1000, NULL},
	{"name", F_STRING, 0, 1, 300, NULL},
	{"description", F_STRING, 0, 0, 5000, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

/* GET /api/v1/plans/{id}/axes: the plan's axes by number. */
static void
axis_list(struct call *c)
{
	struct db_reply r;
	int64_t limit, after;

	if (!query_page(c, &limit, &after))
		return;
	db_axis_list(&c->actor, c->id, after, limit, &r);
	reply_db_list(c, &r);
}

/* POST /api/v1/plans/{id}/axes: a new axis of a draft plan. */
static void
axis_create(struct call *c)
{
	struct db_reply r;

	if (!authorize(c, ACT_PLAN_WRITE) || !body_valid(c, axis_create_fields))
		return;
	db_axis_create(&c->actor, c->id, c->body_text, &r);
	reply_created(c, "/api/v1/axes", &r);
}

/* GET /api/v1/axes/{id} */
static void
axis_get(struct call *c)
{
	struct db_reply r;

	db_axis_get(&c->actor, c->id, &r);
	reply_db(c, 200, &r);
}

/* PATCH /api/v1/axes/{id}: changes the members given. */
static void
axis_update(struct call *c)
{
	struct db_reply r;
	char etag[80];

	if (!authorize(c, ACT_PLAN_WRITE) || !body_patch_valid(c, axis_patch_fields))
		return;
	db_axis_update(&c->actor, c->id, c->body_text, if_match(c, etag), &r);
	reply_db(c, 200, &r);
}

/* DELETE /api/v1/axes/{id}: with its observations, agreements and activities. */
static void
axis_delete(struct call *c)
{
	struct db_reply r;

	if (!authorize(c, ACT_PLAN_WRITE))
		return;
	db_axis_delete(&c->actor, c->id, &r);
	reply_empty(c, &r);
}

const struct route axis_routes[] = {
	{"GET", "/api/v1/plans/:id/axes", axis_list},
	{"POST", "/api/v1/plans/:id/axes", axis_create},
	{"GET", "/api/v1/axes/:id", axis_get},
	{"PATCH", "/api/v1/axes/:id", axis_update},
	{"DELETE", "/api/v1/axes/:id", axis_delete},
	ROUTES_END,
};
