/* /api/v1/units…: the units responsible for activities. Anyone reads them; the
 * administrator creates and renames them (names are unique whatever their case). */
#include "db/units.h"
#include "http/messages.h"
#include "http/router.h"

static const struct field unit_fields[] = {
	{"name", F_STRING, F_REQUIRED, 1, 200, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

/* GET /api/v1/units: every unit, by id. */
static void
unit_list(struct call *c)
{
	struct db_reply r;
	int64_t limit, after;

	if (!query_page(c, &limit, &after))
		return;
	db_unit_list(after, limit, &r);
	reply_db_list(c, &r);
}

/* GET /api/v1/units/{id}: one unit (and the ETag a rename's If-Match needs). */
static void
unit_get(struct call *c)
{
	struct db_reply r;

	db_unit_get(c->id, &r);
	reply_db(c, 200, &r);
}

/* POST /api/v1/units {name}: 409 when the name is taken. */
static void
unit_create(struct call *c)
{
	struct db_reply r;

	if (!authorize(c, ACT_UNIT_WRITE) || !body_valid(c, unit_fields))
		return;
	db_unit_create(&c->actor, c->body_text, &r);
	reply_created(c, "/api/v1/units", &r);
}

/* PATCH /api/v1/units/{id} {name}: renames; 409 when another unit has the name. */
static void
unit_update(struct call *c)
{
	struct db_reply r;
	char etag[80];

	if (!authorize(c, ACT_UNIT_WRITE) || !body_valid(c, unit_fields))
		return;
	db_unit_update(&c->actor, c->id, c->body_text, if_match(c, etag), &r);
	reply_db(c, 200, &r);
}

const struct route unit_routes[] = {
	{"GET", "/api/v1/units", unit_list},
	{"POST", "/api/v1/units", unit_create},
	{"GET", "/api/v1/units/:id", unit_get},
	{"PATCH", "/api/v1/units/:id", unit_update},
	ROUTES_END,
};
