/* libFuzzer target for service/core/document.c: document_validate on any JSON value
 * parsed from the input (json_loadb with JSON_REJECT_DUPLICATES, as the import does).
 *
 * Invariants (abort when broken): the Spanish and English error lists have the same
 * length and every error has a pointer and a message; the result is true exactly when
 * no error was added; and a document accepted as valid really has the import format's
 * shape: checked here independently (an object at every level with only known members,
 * the required ones present, the lists within their bounds). */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/document.h"
#include "fuzz_check.h"

/* Members allowed at one level, the required ones first (nreq of them). */
struct shape {
	const char *const *members;
	size_t nreq;
};

static const char *const plan_m[] = {"title", "entity", "year", "axes", "process", "status",
                                     "elaborated_by", "approved_by", NULL};
static const char *const axis_m[] = {"number", "name", "description", "observations",
                                     "contributions", "agreements", "activities", NULL};
static const char *const obs_m[] = {"body", "source", "status", "response", NULL};
static const char *const agr_m[] = {"number", "text", NULL};
static const char *const act_m[] = {"number", "description", "due_month", "units", "status",
                                    "progress", NULL};
static const char *const person_m[] = {"name", "position", NULL};

static const struct shape plan_s = {plan_m, 4}, axis_s = {axis_m, 2}, obs_s = {obs_m, 1},
                          agr_s = {agr_m, 2}, act_s = {act_m, 4}, person_s = {person_m, 2};

/* True if obj is an object with only the members of s and all of its required ones. */
static bool
shaped(const json_t *obj, const struct shape *s)
{
	const char *key;
	json_t *val;

	if (!json_is_object(obj))
		return false;
	json_object_foreach((json_t *)obj, key, val) {
		const char *const *m = s->members;

		while (*m && strcmp(*m, key) != 0)
			m++;
		if (*m == NULL)
			return false;
	}
	for (size_t i = 0; i < s->nreq; i++)
		if (json_object_get(obj, s->members[i]) == NULL)
			return false;
	return true;
}

/* True if the optional list member key of obj holds at most max items of shape s. */
static bool
list_of(const json_t *obj, const char *key, size_t max, const struct shape *s)
{
	const json_t *arr = json_object_get(obj, key);
	size_t i;
	json_t *item;

	if (arr == NULL)
		return true;
	if (!json_is_array(arr) || json_array_size(arr) > max)
		return false;
	json_array_foreach(arr, i, item)
		if (!shaped(item, s))
			return false;
	return true;
}

static bool
person_ok(const json_t *p)
{
	return p == NULL || json_is_null(p) || shaped(p, &person_s);
}

/* The shape a valid document must have (a necessary condition, not the whole check). */
static bool
document_shaped(const json_t *doc)
{
	const json_t *axes = json_object_get(doc, "axes");
	size_t i, j;
	json_t *axis, *act;

	if (!shaped(doc, &plan_s) || !json_is_array(axes) || json_array_size(axes) > 100)
		return false;
	if (!json_is_string(json_object_get(doc, "title")) ||
	    !json_is_integer(json_object_get(doc, "year")) ||
	    !person_ok(json_object_get(doc, "elaborated_by")) ||
	    !person_ok(json_object_get(doc, "approved_by")))
		return false;
	json_array_foreach(axes, i, axis) {
		if (!shaped(axis, &axis_s) || !json_is_integer(json_object_get(axis, "number")) ||
		    !list_of(axis, "observations", 10000, &obs_s) ||
		    !list_of(axis, "contributions", 10000, &obs_s) ||
		    !list_of(axis, "agreements", 10000, &agr_s) ||
		    !list_of(axis, "activities", 10000, &act_s))
			return false;
		json_array_foreach(json_object_get(axis, "activities"), j, act) {
			const json_t *units = json_object_get(act, "units");

			if (!json_is_array(units) || json_array_size(units) < 1 ||
			    json_array_size(units) > 50)
				return false;
		}
	}
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
	struct verr v;
	size_t n;
	bool ok;

	if (doc == NULL)
		return 0;
	verr_init(&v);
	ok = document_validate(doc, &v);
	n = verr_count(&v);
	CHECK(json_array_size(v.es) == json_array_size(v.en));
	CHECK(ok == (n == 0));
	for (size_t i = 0; i < n; i++) {
		for (int lang = 0; lang < 2; lang++) {
			json_t *e = json_array_get(lang ? v.en : v.es, i);

			CHECK(json_is_string(json_object_get(e, "pointer")));
			CHECK(json_is_string(json_object_get(e, "message")));
		}
	}
	if (ok)
		CHECK(document_shaped(doc));
	/* a second run reports the same errors */
	{
		struct verr w;

		verr_init(&w);
		CHECK(document_validate(doc, &w) == ok);
		CHECK(json_equal(w.es, v.es) && json_equal(w.en, v.en));
		verr_free(&w);
	}
	verr_free(&v);
	json_decref(doc);
	return 0;
}
