/* /api/v1/plans…: the plan's lifecycle, its document export and import. */
#include "core/document.h"
#include "core/plan_pdf.h"
#include "db/plans.h"
#include "http/router.h"

static const char *const plan_statuses[] = {"draft", "approved", "closed", "withdrawn", NULL};

static const struct field plan_query[] = {
	{"year", F_INT, 0, 2000, 2100, NULL},
	{"status", F_STRING, 0, 0, 0, plan_statuses},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field plan_create_fields[] = {
	{"title", F_STRING, F_REQUIRED | F_NAME, 1, 300, NULL},
	{"process", F_STRING, 0, 0, 300, NULL},
	{"entity", F_STRING, F_REQUIRED | F_NAME, 1, 300, NULL},
	{"year", F_INT, F_REQUIRED, 2000, 2100, NULL},
	{"elaborated_by", F_PERSON, F_NULLABLE, 0, 0, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field plan_patch_fields[] = {
	{"title", F_STRING, F_NAME, 1, 300, NULL},
	{"process", F_STRING, 0, 0, 300, NULL},
	{"entity", F_STRING, F_NAME, 1, 300, NULL},
	{"year", F_INT, 0, 2000, 2100, NULL},
	{"elaborated_by", F_PERSON, F_NULLABLE, 0, 0, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field approver_fields[] = {
	{"name", F_STRING, F_REQUIRED | F_NAME, 1, 200, NULL},
	{"position", F_STRING, F_REQUIRED | F_NAME, 1, 200, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

static const struct field document_query[] = {
	{"version", F_INT, 0, 1, 1000000, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field close_fields[] = {
	{"note", F_STRING, F_NULLABLE, 0, 5000, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field withdraw_fields[] = {
	{"reason", F_STRING, F_REQUIRED, 10, 1000, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

/* A whole plan document, every bad element with its pointer. */
static bool
document_rule(const json_t *body, const void *unused, struct verr *v)
{
	return document_validate(body, v);
}

static const struct rendering document_pdf = {
	&db_plan_document_pdf, plan_pdf, "application/pdf", "inline", "plan", "pdf"};

/* The document as JSON (the route's statement) or, with Accept: application/pdf, laid
 * out for print; 406 for anything else. */
static void
document_get(struct call *c)
{
	static const struct media_choice media[] = {
		{"application/json", NULL, NULL},
		{"application/pdf", NULL, &document_pdf},
	};

	reply_negotiated(c, media, 2);
}

const struct route plan_routes[] = {
	/* ?year=&status=: plans the caller may see, oldest first. */
	{.method = "GET", .pattern = "/api/v1/plans", .action = ACT_READ,
	 .query = plan_query, .paged = true,
	 .stmt = &db_plan_list, .args = {A_STAFF, A_Q0, A_Q1, A_AFTER, A_LIMIT},
	 .answer = ANSWER_LIST},
	/* A new draft. */
	{.method = "POST", .pattern = "/api/v1/plans", .action = ACT_PLAN_WRITE,
	 .body = plan_create_fields, .stmt = &db_plan_create, .args = {A_SUB, A_ROLE, A_BODY},
	 .answer = ANSWER_CREATED, .location = "/api/v1/plans"},
	/* A whole plan, all or nothing; 422 lists every bad element. */
	{.method = "POST", .pattern = "/api/v1/plans/import", .action = ACT_PLAN_WRITE,
	 .rule = document_rule, .stmt = &db_plan_import, .args = {A_SUB, A_ROLE, A_BODY, A_FALSE},
	 .answer = ANSWER_CREATED, .location = "/api/v1/plans"},
	/* GET: the plan and its axes, drafts only for staff. PATCH edits a draft; DELETE
	 * deletes a draft. */
	STRUCTURE_ITEM_ROUTES("/api/v1/plans/:id", plan, plan_patch_fields, R_plan_not_found),
	/* {name, position}: "Revisado y aprobado por". */
	{.method = "POST", .pattern = "/api/v1/plans/:id/approve", .action = ACT_PLAN_WRITE,
	 .body = approver_fields, .stmt = &db_plan_approve, .args = {A_SUB, A_ROLE, A_ID, A_BODY},
	 .answer = ANSWER_ONE, .missing = R_plan_not_found},
	/* approved → closed (read-only from then on) {note?}; unfinished activities become
	 * not_done. */
	{.method = "POST", .pattern = "/api/v1/plans/:id/close", .action = ACT_PLAN_WRITE,
	 .body = close_fields, .body_optional = true, .stmt = &db_plan_close, .args = {A_SUB, A_ROLE, A_ID, A_BODY},
	 .answer = ANSWER_ONE, .missing = R_plan_not_found},
	/* draft or approved → withdrawn {reason}: hidden from all but staff. */
	{.method = "POST", .pattern = "/api/v1/plans/:id/withdraw", .action = ACT_PLAN_WRITE,
	 .body = withdraw_fields, .stmt = &db_plan_withdraw,
	 .args = {A_SUB, A_ROLE, A_ID, A_BODY},
	 .answer = ANSWER_ONE, .missing = R_plan_not_found},
	/* The whole plan in the import format, or as a PDF. */
	{.method = "GET", .pattern = "/api/v1/plans/:id/document", .action = ACT_READ,
	 .query = document_query,
	 .handler = document_get, .stmt = &db_plan_document, .args = {A_ID, A_STAFF, A_Q0},
	 .answer = ANSWER_ONE, .missing = R_plan_not_found},
	/* Staff: each version (1: the approval; then every amendment) with its reason and
	 * its changes. */
	{.method = "GET", .pattern = "/api/v1/plans/:id/versions", .action = ACT_AUDIT_READ,
	 .paged = true, .stmt = &db_plan_versions, .args = {A_ID, A_AFTER, A_LIMIT},
	 .answer = ANSWER_LIST, .missing = R_plan_not_found},
	ROUTES_END,
};
