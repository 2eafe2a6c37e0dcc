/* /api/v1/plans…: the plan's lifecycle, its document export and import. */
#include "core/document.h"
#include "db/plans.h"
#include "http/messages.h"
#include "http/router.h"

static const char *const plan_statuses[] = {"draft", "approved", "closed", NULL};

static const struct field plan_create_fields[] = {
	{"title", F_STRING, F_REQUIRED, 1, 300, NULL},
	{"process", F_STRING, 0, 0, 300, NULL},
	{"entity", F_STRING, F_REQUIRED, 1, 300, NULL},
	{"year", F_INT, F_REQUIRED, 2000, 2100, NULL},
	{"elaborated_by", F_PERSON, F_NULLABLE, 0, 0, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field plan_patch_fields[] = {
	{"title", F_STRING, 0, 1, 300, NULL},
	{"process", F_STRING, 0, 0, 300, NULL},
	{"entity", F_STRING, 0, 1, 300, NULL},
	{"year", F_INT, 0, 2000, 2100, NULL},
	{"elaborated_by", F_PERSON, F_NULLABLE, 0, 0, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field approver_fields[] = {
	{"name", F_STRING, F_REQUIRED, 1, 200, NULL},
	{"position", F_STRING, F_REQUIRED, 1, 200, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

/* GET /api/v1/plans?year=&status=: plans the caller may see, oldest first. */
static void
plan_list(struct call *c)
{
	struct db_reply r;
	int64_t year, limit, after;
	const char *status;
	char s_year[24];

	if (!query_int(c, "year", 2000, 2100, 0, &year) ||
	    !query_choice(c, "status", plan_statuses, &status) || !query_page(c, &limit, &after))
		return;
	db_plan_list(&c->actor, year ? db_int(s_year, year) : NULL, status, after, limit, &r);
	reply_db_list(c, &r);
}

/* POST /api/v1/plans: a new draft. */
static void
plan_create(struct call *c)
{
	struct db_reply r;

	if (!authorize(c, ACT_PLAN_WRITE) || !body_valid(c, plan_create_fields))
		return;
	db_plan_create(&c->actor, c->body_text, &r);
	reply_created(c, "/api/v1/plans", &r);
}

/* GET /api/v1/plans/{id}: the plan and its axes; drafts only for staff. */
static void
plan_get(struct call *c)
{
	struct db_reply r;

	db_plan_get(&c->actor, c->id, &r);
	reply_db(c, 200, &r);
}

/* PATCH /api/v1/plans/{id}: edits a draft. */
static void
plan_update(struct call *c)
{
	struct db_reply r;
	char etag[80];

	if (!authorize(c, ACT_PLAN_WRITE) || !body_patch_valid(c, plan_patch_fields))
		return;
	db_plan_update(&c->actor, c->id, c->body_text, if_match(c, etag), &r);
	reply_db(c, 200, &r);
}

/* DELETE /api/v1/plans/{id}: only drafts. */
static void
plan_delete(struct call *c)
{
	struct db_reply r;

	if (!authorize(c, ACT_PLAN_WRITE))
		return;
	db_plan_delete(&c->actor, c->id, &r);
	reply_empty(c, &r);
}

/* POST /api/v1/plans/{id}/approve {name, position}: "Revisado y aprobado por". */
static void
plan_approve(struct call *c)
{
	struct db_reply r;

	if (!authorize(c, ACT_PLAN_WRITE) || !body_valid(c, approver_fields))
		return;
	db_plan_approve(&c->actor, c->id, c->body_text, &r);
	reply_db(c, 200, &r);
}

/* POST /api/v1/plans/{id}/close: approved → closed (read-only from then on). */
static void
plan_close(struct call *c)
{
	struct db_reply r;

	if (!authorize(c, ACT_PLAN_WRITE) || !body_none(c))
		return;
	db_plan_close(&c->actor, c->id, &r);
	reply_db(c, 200, &r);
}

/* GET /api/v1/plans/{id}/document: the whole plan in the import format. */
static void
plan_document(struct call *c)
{
	struct db_reply r;

	db_plan_document(&c->actor, c->id, &r);
	reply_db(c, 200, &r);
}

/* POST /api/v1/plans/import: a whole plan, all or nothing; 422 lists every bad element. */
static void
plan_import(struct call *c)
{
	struct db_reply r;
	struct verr v;

	if (!authorize(c, ACT_PLAN_WRITE))
		return;
	if (c->body == NULL) {
		reply_problem(c, 400, "bad_request", &MSG_BODY_REQUIRED);
		return;
	}
	verr_init(&v);
	if (!document_validate(c->body, &v)) {
		reply_invalid(c, &v);
		verr_free(&v);
		return;
	}
	verr_free(&v);
	db_plan_import(&c->actor, c->body_text, false, &r);
	reply_created(c, "/api/v1/plans", &r);
}

const struct route plan_routes[] = {
	{"GET", "/api/v1/plans", plan_list},
	{"POST", "/api/v1/plans", plan_create},
	{"POST", "/api/v1/plans/import", plan_import},
	{"GET", "/api/v1/plans/:id", plan_get},
	{"PATCH", "/api/v1/plans/:id", plan_update},
	{"DELETE", "/api/v1/plans/:id", plan_delete},
	{"POST", "/api/v1/plans/:id/approve", plan_approve},
	{"POST", "/api/v1/plans/:id/close", plan_close},
	{"GET", "/api/v1/plans/:id/document", plan_document},
	ROUTES_END,
};
