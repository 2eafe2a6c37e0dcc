/* Every problem of a document is reported, not only the first, so an operator fixes a
 * file in one pass. Besides each field's type and range: unique axis numbers in the
 * plan, unique agreement and activity numbers in an axis, a response for rejected
 * observations, progress 100 for done activities, an approver for approved plans, and
 * links by number within an axis (document_links.c). */
#include "core/document.h"

#include <stdio.h>
#include <ctype.h>
#include <string.h>

#define MAX_AXES 100
#define MAX_ITEMS 10000

static const char *const plan_statuses[] = {"draft", "approved", "closed", NULL};
static const char *const obs_statuses[] = {"received", "in_review", "accepted", "rejected",
                                           "withdrawn", NULL};
static const char *const sources[] = {"deliberation", "online", NULL};
static const char *const act_statuses[] = {"pending", "in_progress", "done", "cancelled",
                                           "not_done", NULL};

static const struct field plan_fields[] = {
	{"title", F_STRING, F_REQUIRED | F_NAME, 1, 300, NULL},
	{"process", F_STRING, 0, 0, 300, NULL},
	{"entity", F_STRING, F_REQUIRED | F_NAME, 1, 300, NULL},
	{"year", F_INT, F_REQUIRED, 2000, 2100, NULL},
	{"status", F_STRING, 0, 0, 0, plan_statuses},
	{"elaborated_by", F_PERSON, F_NULLABLE, 0, 0, NULL},
	{"approved_by", F_PERSON, F_NULLABLE, 0, 0, NULL},
	{"approved_at", F_STRING, F_NULLABLE, 20, 20, NULL},   /* rfc3339_utc below */
	{"axes", F_ANY, F_REQUIRED, 0, 0, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field axis_fields[] = {
	{"number", F_INT, F_REQUIRED, 1, 1000, NULL},
	{"name", F_STRING, F_REQUIRED | F_NAME, 1, 300, NULL},
	{"description", F_STRING, F_NULLABLE, 0, 5000, NULL},
	{"observations", F_ANY, 0, 0, 0, NULL},
	{"contributions", F_ANY, 0, 0, 0, NULL},
	{"agreements", F_ANY, 0, 0, 0, NULL},
	{"activities", F_ANY, 0, 0, 0, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field obs_fields[] = {
	{"number", F_INT, 0, 1, 1000000, NULL},
	{"body", F_STRING, F_REQUIRED, 3, 5000, NULL},
	{"source", F_STRING, 0, 0, 0, sources},
	{"status", F_STRING, 0, 0, 0, obs_statuses},
	{"response", F_STRING, F_NULLABLE, 0, 5000, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field agreement_fields[] = {
	{"number", F_INT, F_REQUIRED, 1, 1000, NULL},
	{"text", F_STRING, F_REQUIRED, 1, 5000, NULL},
	{"responds_to", F_ANY, 0, 0, 0, NULL},   /* document_check_links */
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field activity_fields[] = {
	{"number", F_INT, F_REQUIRED, 1, 10000, NULL},
	{"description", F_STRING, F_REQUIRED, 1, 5000, NULL},
	{"due_month", F_INT, F_REQUIRED, 1, 12, NULL},
	{"units", F_ANY, F_REQUIRED, 0, 0, NULL},
	{"status", F_STRING, 0, 0, 0, act_statuses},
	{"progress", F_INT, 0, 0, 100, NULL},
	{"agreement", F_INT, F_NULLABLE, 1, 1000, NULL},
	{"responds_to", F_ANY, 0, 0, 0, NULL},   /* document_check_links */
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field unit_name = {"", F_STRING, F_REQUIRED | F_NAME, 1, 200, NULL};

/* Runs check on each element of the optional array member key of obj. */
static void
each(const json_t *obj, const char *key, const char *ptr, struct verr *v,
     void (*check)(const json_t *item, const char *ptr, struct verr *v))
{
	const json_t *arr = json_object_get(obj, key);
	char p[256], ip[300];
	size_t i;
	json_t *item;

	if (arr == NULL)
		return;
	json_pointer_join(p, sizeof p, ptr, key);
	if (!json_is_array(arr)) {
		verr_add(v, p, "debe ser una lista", "must be an array");
		return;
	}
	if (json_array_size(arr) > MAX_ITEMS) {
		verr_add(v, p, "tiene demasiados elementos", "has too many items");
		return;
	}
	json_array_foreach(arr, i, item) {
		snprintf(ip, sizeof ip, "%s/%zu", p, i);
		check(item, ip, v);
	}
}

static void
check_obs(const json_t *o, const char *ptr, struct verr *v)
{
	const char *st;
	const json_t *resp;
	char p[256];

	if (!validate_object(o, obs_fields, ptr, v) && !json_is_object(o))
		return;
	st = json_string_value(json_object_get(o, "status"));
	resp = json_object_get(o, "response");
	if (st && strcmp(st, "rejected") == 0 &&
	    (!json_is_string(resp) || utf8_trimmed_len(json_string_value(resp)) == 0)) {
		json_pointer_join(p, sizeof p, ptr, "response");
		verr_add(v, p, "es obligatoria al rechazar", "is required when rejected");
	}
}

static void
check_agreement(const json_t *g, const char *ptr, struct verr *v)
{
	validate_object(g, agreement_fields, ptr, v);
}

static void
check_unit(const json_t *u, const char *ptr, struct verr *v)
{
	validate_value(u, &unit_name, ptr, v);
}

static void
check_activity(const json_t *t, const char *ptr, struct verr *v)
{
	const json_t *units;
	const char *st;
	char p[256];

	if (!validate_object(t, activity_fields, ptr, v) && !json_is_object(t))
		return;
	units = json_object_get(t, "units");
	json_pointer_join(p, sizeof p, ptr, "units");
	if (!json_is_array(units) || json_array_size(units) == 0 || json_array_size(units) > 50)
		verr_add(v, p, "debe ser una lista de 1 a 50 nombres de unidades",
		         "must be an array of 1 to 50 unit names");
	else
		each(t, "units", ptr, v, check_unit);
	st = json_string_value(json_object_get(t, "status"));
	if (st && strcmp(st, "done") == 0 &&
	    json_integer_value(json_object_get(t, "progress")) != 100) {
		json_pointer_join(p, sizeof p, ptr, "progress");
		verr_add(v, p, "debe ser 100 si el estado es 'done'", "must be 100 when status is 'done'");
	}
}

/* Reports a second use of the same "number" among the items of arr. */
static void
unique_numbers(const json_t *arr, const char *ptr, struct verr *v)
{
	size_t i, j;
	json_t *a, *b;
	char p[300];

	if (!json_is_array(arr))
		return;
	json_array_foreach(arr, i, a) {
		json_t *na = json_object_get(a, "number");

		if (!json_is_integer(na))
			continue;
		for (j = 0; j < i; j++) {
			b = json_array_get(arr, j);
			if (json_equal(na, json_object_get(b, "number"))) {
				snprintf(p, sizeof p, "%s/%zu/number", ptr, i);
				verr_add(v, p, "repite el número de otro elemento",
				         "repeats the number of another item");
				break;
			}
		}
	}
}

static void
check_axis(const json_t *a, const char *ptr, struct verr *v)
{
	char p[256];

	if (!validate_object(a, axis_fields, ptr, v) && !json_is_object(a))
		return;
	each(a, "observations", ptr, v, check_obs);
	each(a, "contributions", ptr, v, check_obs);
	each(a, "agreements", ptr, v, check_agreement);
	each(a, "activities", ptr, v, check_activity);
	json_pointer_join(p, sizeof p, ptr, "agreements");
	unique_numbers(json_object_get(a, "agreements"), p, v);
	json_pointer_join(p, sizeof p, ptr, "activities");
	unique_numbers(json_object_get(a, "activities"), p, v);
	document_check_links(a, ptr, v);
}

/* YYYY-MM-DDTHH:MM:SSZ, as the API writes times (plan_json's approved_at). */
static int
digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static bool
rfc3339_utc(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	int mo, d;

	if (strlen(s) != sizeof shape - 1)
		return false;
	for (size_t i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	return digits(s, 4) >= 2000 && digits(s, 4) <= 2100 && mo >= 1 && mo <= 12 && d >= 1 &&
	       d <= 31 && digits(s + 11, 2) <= 23 && digits(s + 14, 2) <= 59 &&
	       digits(s + 17, 2) <= 59;
}

bool
document_validate(const json_t *doc, struct verr *v)
{
	size_t before = verr_count(v);
	const json_t *axes;
	const char *st;

	if (!validate_object(doc, plan_fields, "", v) && !json_is_object(doc))
		return false;
	axes = json_object_get(doc, "axes");
	if (axes && (!json_is_array(axes) || json_array_size(axes) > MAX_AXES))
		verr_add(v, "/axes", "debe ser una lista de hasta 100 ejes",
		         "must be an array of at most 100 axes");
	else
		each(doc, "axes", "", v, check_axis);
	unique_numbers(axes, "/axes", v);
	st = json_string_value(json_object_get(doc, "approved_at"));
	if (st != NULL && !rfc3339_utc(st))
		verr_add(v, "/approved_at", "debe ser una fecha y hora RFC 3339 en UTC (…Z)",
		         "must be an RFC 3339 UTC date-time (…Z)");
	/* An approved or closed plan keeps the rules of POST /plans/{id}/approve: an author,
	 * an approver and at least one axis. (A draft may carry an approved_by: an approved
	 * plan's document imported again as a draft keeps it, so export equals import.) */
	st = json_string_value(json_object_get(doc, "status"));
	if (st == NULL || strcmp(st, "draft") == 0)
		return verr_count(v) == before;
	if (!json_is_object(json_object_get(doc, "approved_by")))
		verr_add(v, "/approved_by", "es obligatorio para un plan aprobado o cerrado",
		         "is required for an approved or closed plan");
	if (!json_is_object(json_object_get(doc, "elaborated_by")))
		verr_add(v, "/elaborated_by", "es obligatorio para un plan aprobado o cerrado",
		         "is required for an approved or closed plan");
	if (json_array_size(axes) == 0)
		verr_add(v, "/axes", "un plan aprobado o cerrado tiene al menos un eje",
		         "an approved or closed plan has at least one axis");
	return verr_count(v) == before;
}
