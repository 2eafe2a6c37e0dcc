/* /api/v1/axes/{id}/agreements and /api/v1/agreements/{id}: the agreements ("acuerdos")
 * of an axis and the accepted observations they answer. Reads follow the plan's
 * visibility; the administrator changes them while the plan is a draft. */
#include "db/agreements.h"
#include "http/messages.h"
#include "http/router.h"

static const struct field agreement_create_fields[] = {
	{"number", F_INT, F_REQUIRED, 1, 1000, NULL},
	{"text", F_STRING, F_REQUIRED, 1, 5000, NULL},
	{"observation_ids", F_INT_ARRAY, 0, 0, 200, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field agreement_patch_fields[] = {
	{"number", F_INT, 0, 1, 1000, NULL},
	{"text", F_STRING, 0, 1, 5000, NULL},
	{"observation_ids", F_INT_ARRAY, 0, 0, 200, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

/* GET /api/v1/axes/{id}/agreements: the axis's agreements by number. */
static void
agreement_list(struct call *c)
{
	struct db_reply r;
	int64_t limit, after;

	if (!query_page(c, &limit, &after))
		return;
	db_agreement_list(&c->actor, c->id, after, limit, &r);
	reply_db_list(c, &r);
}

/* POST /api/v1/axes/{id}/agreements: observation_ids must be accepted observations of
 * the same plan (422 at /observation_ids/N). */
static void
agreement_create(struct call *c)
{
	struct db_reply r;

	if (!authorize(c, ACT_PLAN_WRITE) || !body_valid(c, agreement_create_fields))
		return;
	db_agreement_create(&c->actor, c->id, c->body_text, &r);
	reply_created(c, "/api/v1/agreements", &r);
}

/* GET /api/v1/agreements/{id} */
static void
agreement_get(struct call *c)
{
	struct db_reply r;

	db_agreement_get(&c->actor, c->id, &r);
	reply_db(c, 200, &r);
}

/* PATCH /api/v1/agreements/{id}: changes the members given; observation_ids replaces
 * the whole list. */
static void
agreement_update(struct call *c)
{
	struct db_reply r;
	char etag[80];

	if (!authorize(c, ACT_PLAN_WRITE) || !body_patch_valid(c, agreement_patch_fields))
		return;
	db_agreement_update(&c->actor, c->id, c->body_text, if_match(c, etag), &r);
	reply_db(c, 200, &r);
}

/* DELETE /api/v1/agreements/{id}: its activities stay, with agreement_id null. */
static void
agreement_delete(struct call *c)
{
	struct db_reply r;

	if (!authorize(c, ACT_PLAN_WRITE))
		return;
	db_agreement_delete(&c->actor, c->id, &r);
	reply_empty(c, &r);
}

const struct route agreement_routes[] = {
	{"GET", "/api/v1/axes/:id/agreements", agreement_list},
	{"POST", "/api/v1/axes/:id/agreements", agreement_create},
	{"GET", "/api/v1/agreements/:id", agreement_get},
	{"PATCH", "/api/v1/agreements/:id", agreement_update},
	{"DELETE", "/api/v1/agreements/:id", agreement_delete},
	ROUTES_END,
};
