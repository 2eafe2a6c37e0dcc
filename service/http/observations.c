/* /api/v1/axes/{id}/observations, /api/v1/observations/{id}…, /api/v1/me/observations:
 * citizens submit, follow and withdraw; staff record, review and answer. */
#include <string.h>

#include "core/config.h"
#include "db/observations.h"
#include "http/router.h"

#define KEY_MAX 200          /* Idempotency-Key: 1–200 printable ASCII characters */
#define BODY_RAW_MAX 20000   /* characters, surrounding white space included (schema limit) */
#define RESPONSE_RAW_MAX 5000

static const char *const obs_kinds[] = {"observation", "contribution", NULL};
static const char *const obs_sources[] = {"deliberation", "online", NULL};
/* Every status may be asked for; observation_transitions decides which steps are legal. */
static const char *const obs_statuses[] = {"received", "in_review", "accepted", "rejected",
                                           "withdrawn", NULL};

static const struct field obs_create_fields[] = {
	{"kind", F_STRING, F_REQUIRED, 0, 0, obs_kinds},
	{"body", F_STRING, F_REQUIRED, 3, 5000, NULL},
	{"source", F_STRING, 0, 0, 0, obs_sources},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field obs_review_fields[] = {
	{"status", F_STRING, F_REQUIRED, 0, 0, obs_statuses},
	{"response", F_STRING, F_NULLABLE, 0, 5000, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

static const struct msg MSG_BAD_KEY = {
	"La cabecera Idempotency-Key debe tener entre 1 y 200 caracteres ASCII imprimibles.",
	"The Idempotency-Key header must have 1 to 200 printable ASCII characters."};
static const struct msg MSG_SOURCE = {
	"Los ciudadanos solo envían observaciones en línea ('online').",
	"Citizens submit online observations only ('online')."};

/* The Idempotency-Key into *key (NULL when absent); answers 400 when it is malformed. */
static bool
idempotency_key(struct call *c, const char **key)
{
	const char *k = header(c, "Idempotency-Key");
	size_t n;

	*key = k;
	if (k == NULL)
		return true;
	n = strlen(k);
	for (size_t i = 0; i < n; i++) {
		if (k[i] < 0x20 || k[i] > 0x7E) {
			n = 0;
			break;
		}
	}
	if (n >= 1 && n <= KEY_MAX)
		return true;
	reply_problem(c, 400, "invalid_idempotency_key", &MSG_BAD_KEY);
	return false;
}

/* The validators count characters after trimming; the schema bounds the stored text as
 * sent. Answers 422 when the member name of the body has more than max characters. */
static bool
raw_length_ok(struct call *c, const char *name, size_t max)
{
	const char *s = json_string_value(json_object_get(c->body, name));
	size_t n = 0;
	struct verr v;
	char ptr[64];

	if (s == NULL)
		return true;
	for (; *s; s++)
		if ((*s & 0xC0) != 0x80)
			n++;
	if (n <= max)
		return true;
	verr_init(&v);
	json_pointer_join(ptr, sizeof ptr, "", name);
	verr_add(&v, ptr, "es demasiado largo (con los espacios de los extremos)",
	         "is too long (counting surrounding white space)");
	reply_invalid(c, &v);
	verr_free(&v);
	return false;
}

/* GET /api/v1/axes/{id}/observations?kind=&status=: what the caller may see, by id. */
static void
obs_list(struct call *c)
{
	struct db_reply r;
	const char *kind, *status;
	int64_t limit, after;

	if (!query_choice(c, "kind", obs_kinds, &kind) ||
	    !query_choice(c, "status", obs_statuses, &status) || !query_page(c, &limit, &after))
		return;
	db_observation_list(&c->actor, c->id, kind, status, after, limit, &r);
	reply_db_list(c, &r);
}

/* POST /api/v1/axes/{id}/observations {kind, body, source?}: a submission, at most once
 * per Idempotency-Key. */
static void
obs_create(struct call *c)
{
	struct db_reply r;
	const char *key, *source;

	if (!authorize(c, ACT_OBS_SUBMIT) || !idempotency_key(c, &key))
		return;
	/* A citizen cannot claim to speak for the deliberation: a right, so before 422. */
	source = json_string_value(json_object_get(c->body, "source"));
	if (!c->actor.staff && source && strcmp(source, "deliberation") == 0) {
		reply_problem(c, 403, "forbidden", &MSG_SOURCE);
		return;
	}
	if (!body_valid(c, obs_create_fields) || !raw_length_ok(c, "body", BODY_RAW_MAX))
		return;
	db_observation_create(&c->actor, c->id, c->body_text, key, cfg.obs_per_hour, &r);
	reply_created(c, "/api/v1/observations", &r);
}

/* GET /api/v1/observations/{id}: 404 unless the caller may see it. */
static void
obs_get(struct call *c)
{
	struct db_reply r;

	db_observation_get(&c->actor, c->id, &r);
	reply_db(c, 200, &r);
}

/* PATCH /api/v1/observations/{id} {status, response?}: one step of the review. */
static void
obs_review(struct call *c)
{
	struct db_reply r;
	char etag[80];

	if (!authorize(c, ACT_OBS_REVIEW) || !body_valid(c, obs_review_fields) ||
	    !raw_length_ok(c, "response", RESPONSE_RAW_MAX))
		return;
	db_observation_review(&c->actor, c->id, c->body_text, if_match(c, etag), &r);
	reply_db(c, 200, &r);
}

/* POST /api/v1/observations/{id}/withdraw: the author takes back a received one. */
static void
obs_withdraw(struct call *c)
{
	struct db_reply r;

	if (!authorize(c, ACT_OBS_WITHDRAW) || !body_none(c))
		return;
	db_observation_withdraw(&c->actor, c->id, &r);
	reply_db(c, 200, &r);
}

/* GET /api/v1/me/observations: the citizen's own, every status. */
static void
obs_mine(struct call *c)
{
	struct db_reply r;
	int64_t limit, after;

	if (!authorize(c, ACT_OWN_OBS_READ) || !query_page(c, &limit, &after))
		return;
	db_observation_mine(&c->actor, after, limit, &r);
	reply_db_list(c, &r);
}

const struct route observation_routes[] = {
	{"GET", "/api/v1/axes/:id/observations", obs_list},
	{"POST", "/api/v1/axes/:id/observations", obs_create},
	{"GET", "/api/v1/observations/:id", obs_get},
	{"PATCH", "/api/v1/observations/:id", obs_review},
	{"POST", "/api/v1/observations/:id/withdraw", obs_withdraw},
	{"GET", "/api/v1/me/observations", obs_mine},
	ROUTES_END,
};
