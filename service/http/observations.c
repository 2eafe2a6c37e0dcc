/* /api/v1/axes/{id}/observations, /api/v1/observations/{id}…, /api/v1/me/observations:
 * citizens submit, follow and withdraw; staff record, review and answer. */
#include <string.h>

#include "core/config.h"
#include "db/observations.h"
#include "http/router.h"

#define KEY_MAX 200          /* Idempotency-Key: 1–200 printable ASCII characters */

static const char *const obs_kinds[] = {"observation", "contribution", NULL};
static const char *const obs_sources[] = {"deliberation", "online", NULL};
/* Every status may be asked for; observation_transitions decides which steps are legal. */
static const char *const obs_statuses[] = {"received", "in_review", "accepted", "rejected",
                                           "withdrawn", NULL};

static const struct field obs_query[] = {
	{"kind", F_STRING, 0, 0, 0, obs_kinds},
	{"status", F_STRING, 0, 0, 0, obs_statuses},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const char *const booleans[] = {"true", "false", NULL};
static const char *const inbox_sorts[] = {"created_at", "-created_at", "number", NULL};
static const struct field inbox_query[] = {
	{"axis_id", F_INT, 0, 1, ID_MAX, NULL},
	{"kind", F_STRING, 0, 0, 0, obs_kinds},
	{"status", F_STRING, 0, 0, 0, obs_statuses},
	{"source", F_STRING, 0, 0, 0, obs_sources},
	{"incorporated", F_STRING, 0, 0, 0, booleans},
	{"sort", F_STRING, 0, 0, 0, inbox_sorts},
	{"answer_overdue", F_STRING, 0, 0, 0, booleans},
	{"unit_id", F_INT, 0, 1, ID_MAX, NULL},
	{"q", F_ANY, 0, 0, 0, NULL},     /* any text: websearch_to_tsquery reads it */
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field obs_create_fields[] = {
	{"kind", F_STRING, F_REQUIRED, 0, 0, obs_kinds},
	{"body", F_STRING, F_REQUIRED, 3, 5000, NULL},
	{"source", F_STRING, 0, 0, 0, obs_sources},
	{"activity_id", F_INT, F_NULLABLE, 1, ID_MAX, NULL},   /* an activity of the axis */
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field obs_review_fields[] = {
	{"status", F_STRING, 0, 0, 0, obs_statuses},
	{"response", F_STRING, F_NULLABLE, 0, 5000, NULL},
	{"unit_id", F_INT, F_NULLABLE, 1, ID_MAX, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

/* A member's length as sent: the validators count characters after trimming, the schema
 * bounds the stored text with its surrounding white space. */
struct raw_max {
	const char *name;
	size_t max;
};
static const struct raw_max body_raw = {"body", 20000};
static const struct raw_max response_raw = {"response", 5000};

static bool
raw_length_ok(const json_t *body, const void *arg, struct verr *v)
{
	const struct raw_max *m = arg;
	const char *s = json_string_value(json_object_get(body, m->name));
	size_t n = 0;
	char ptr[64];

	if (s == NULL)
		return true;
	for (; *s; s++)
		if ((*s & 0xC0) != 0x80)
			n++;
	if (n <= m->max)
		return true;
	json_pointer_join(ptr, sizeof ptr, "", m->name);
	verr_add(v, ptr, "es demasiado largo (con los espacios de los extremos)",
	         "is too long (counting surrounding white space)");
	return false;
}

/* A review: the response's raw length, and a response only with the status it goes with
 * (a status alone, or unit_id alone, is fine). */
static bool
review_rule(const json_t *body, const void *arg, struct verr *v)
{
	bool ok = raw_length_ok(body, arg, v);

	if (json_object_get(body, "response") && !json_object_get(body, "status")) {
		verr_add(v, "/status", "es obligatorio junto con response",
		         "is required with response");
		ok = false;
	}
	return ok;
}

/* Before the body: the Idempotency-Key (400 when malformed) and a citizen's claim to speak
 * for the deliberation (a right, so 403 before any 422). Binds the key and the hourly
 * limit. */
static bool
submission_check(struct call *c)
{
	const char *k = header(c, "Idempotency-Key");
	const char *source = json_string_value(json_object_get(c->body, "source"));
	size_t n = k ? strlen(k) : 1;

	for (size_t i = 0; k && i < n; i++) {
		if (k[i] < 0x20 || k[i] > 0x7E) {
			n = 0;
			break;
		}
	}
	if (n < 1 || n > KEY_MAX) {
		reply_reason(c, R_invalid_idempotency_key);
		return false;
	}
	if (!c->actor.staff && source && strcmp(source, "deliberation") == 0) {
		reply_reason(c, R_source_forbidden);
		return false;
	}
	c->extra[0] = k;
	c->extra[1] = db_int(c->extra_buf, cfg.obs_per_hour);
	return true;
}

const struct route observation_routes[] = {
	/* ?kind=&status=: what the caller may see, by id. */
	{.method = "GET", .pattern = "/api/v1/axes/:id/observations", .action = ACT_READ,
	 .query = obs_query, .paged = true, .stmt = &db_obs_list,
	 .args = {A_SUB, A_ROLE, A_STAFF, A_ID, A_Q0, A_Q1, A_AFTER, A_LIMIT},
	 .answer = ANSWER_LIST, .missing = R_axis_not_found},
	/* The plan's inbox: what the caller may see, filtered, in the sort's order. */
	{.method = "GET", .pattern = "/api/v1/plans/:id/observations", .action = ACT_READ,
	 .query = inbox_query, .paged = true, .stmt = &db_plan_obs_list,
	 .args = {A_SUB, A_ROLE, A_STAFF, A_ID, A_Q0, A_Q1, A_Q2, A_Q3, A_Q4, A_Q5, A_Q6,
	          A_Q7, A_Q8, A_AFTER, A_LIMIT},
	 .answer = ANSWER_LIST, .missing = R_plan_not_found},
	/* {kind, body, source?, activity_id?}: a submission, at most once per Idempotency-Key. */
	{.method = "POST", .pattern = "/api/v1/axes/:id/observations", .action = ACT_OBS_SUBMIT,
	 .check = submission_check, .body = obs_create_fields,
	 .rule = raw_length_ok, .rule_arg = &body_raw, .stmt = &db_obs_create,
	 .args = {A_SUB, A_ROLE, A_STAFF, A_ID, A_BODY, A_EXTRA0, A_EXTRA1},
	 .answer = ANSWER_CREATED, .location = "/api/v1/observations"},
	/* 404 unless the caller may see it. */
	{.method = "GET", .pattern = "/api/v1/observations/:id", .action = ACT_READ,
	 .stmt = &db_obs_get, .args = {A_ID, A_SUB, A_ROLE, A_STAFF},
	 .answer = ANSWER_ONE, .missing = R_observation_not_found},
	/* {status?, response?, unit_id?}: one step of the review, or a correction of the
	 * response; unit_id assigns it to a unit. */
	{.method = "PATCH", .pattern = "/api/v1/observations/:id", .action = ACT_OBS_REVIEW,
	 .body = obs_review_fields, .rule = review_rule, .rule_arg = &response_raw,
	 .patch = true,
	 .stmt = &db_obs_review, .args = {A_SUB, A_ROLE, A_ID, A_BODY, A_IF_MATCH},
	 .answer = ANSWER_ONE, .missing = R_observation_not_found},
	/* The author takes back a received one. */
	{.method = "POST", .pattern = "/api/v1/observations/:id/withdraw",
	 .action = ACT_OBS_WITHDRAW, .stmt = &db_obs_withdraw, .args = {A_SUB, A_ROLE, A_ID},
	 .answer = ANSWER_ONE, .missing = R_observation_not_found},
	/* The citizen's own, every status. */
	{.method = "GET", .pattern = "/api/v1/me/observations", .action = ACT_OWN_OBS_READ,
	 .paged = true, .stmt = &db_obs_mine, .args = {A_SUB, A_AFTER, A_LIMIT},
	 .answer = ANSWER_LIST},
	ROUTES_END,
};
