/* The links of a plan document, checked within one axis: observations and contributions
 * numbered in increasing order (a missing number is the item's position), and each
 * agreement's and activity's "responds_to", and each activity's "agreement", naming by
 * number an item of the same axis (for observations, an accepted one, as the API's own
 * links require). Pure. */
#include "core/document.h"

#include <stdio.h>
#include <string.h>

static const struct field responds_fields[] = {
	{"observations", F_INT_ARRAY, 0, 0, 200, NULL},
	{"contributions", F_INT_ARRAY, 0, 0, 200, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

/* The number of item i: its own, or its position (1-based). */
static json_int_t
item_number(const json_t *item, size_t i)
{
	const json_t *n = json_object_get(item, "number");

	return json_is_integer(n) ? json_integer_value(n) : (json_int_t)i + 1;
}

/* The item of arr (NULL if not an array) whose number is n, or NULL. */
static const json_t *
find_number(const json_t *arr, json_int_t n)
{
	size_t i;
	json_t *item;

	json_array_foreach(arr, i, item)
		if (json_is_object(item) && item_number(item, i) == n)
			return item;
	return NULL;
}

/* Each number of arr's items greater than the one before. */
static void
increasing(const json_t *arr, const char *ptr, struct verr *v)
{
	json_int_t last = 0;
	size_t i;
	json_t *item;
	char p[300];

	json_array_foreach(arr, i, item) {
		json_int_t n;

		if (!json_is_object(item))
			continue;
		n = item_number(item, i);
		if (n <= last) {
			snprintf(p, sizeof p, "%s/%zu/number", ptr, i);
			verr_add(v, p, "debe ser mayor que el número del elemento anterior",
			         "must be greater than the number of the item before");
		}
		last = n > last ? n : last;
	}
}

/* The numbers listed at item/responds_to/<key> name accepted items of the axis's <key>. */
static void
responds_kind(const json_t *list, const json_t *targets, const char *ptr, struct verr *v)
{
	size_t j, k;
	json_t *n;
	char p[400];

	json_array_foreach(list, j, n) {
		const json_t *t = find_number(targets, json_integer_value(n));
		const char *st = json_string_value(json_object_get(t, "status"));
		bool repeated = false;

		for (k = 0; k < j && !repeated; k++)
			repeated = json_equal(n, json_array_get(list, k));
		snprintf(p, sizeof p, "%s/%zu", ptr, j);
		if (repeated)
			verr_add(v, p, "está repetido en la lista", "is repeated in the list");
		else if (t == NULL)
			verr_add(v, p, "no es el número de ningún elemento de este eje",
			         "is not the number of any item of this axis");
		else if (st == NULL || strcmp(st, "accepted") != 0)
			verr_add(v, p, "solo se pueden vincular observaciones aceptadas",
			         "only accepted observations can be linked");
	}
}

/* item/responds_to: {observations?: [n], contributions?: [n]} of the axis. */
static void
responds_to(const json_t *item, const char *ptr, const json_t *axis, struct verr *v)
{
	static const char *const kinds[] = {"observations", "contributions"};
	const json_t *r = json_object_get(item, "responds_to");
	char p[330], kp[360];

	if (r == NULL)
		return;
	json_pointer_join(p, sizeof p, ptr, "responds_to");
	if (!validate_object(r, responds_fields, p, v))
		return;
	for (size_t i = 0; i < 2; i++) {
		json_pointer_join(kp, sizeof kp, p, kinds[i]);
		responds_kind(json_object_get(r, kinds[i]), json_object_get(axis, kinds[i]), kp, v);
	}
}

void
document_check_links(const json_t *axis, const char *ptr, struct verr *v)
{
	const json_t *agreements = json_object_get(axis, "agreements");
	const json_t *activities = json_object_get(axis, "activities");
	size_t i;
	json_t *item;
	char p[256], ip[300];

	json_pointer_join(p, sizeof p, ptr, "observations");
	increasing(json_object_get(axis, "observations"), p, v);
	json_pointer_join(p, sizeof p, ptr, "contributions");
	increasing(json_object_get(axis, "contributions"), p, v);
	json_pointer_join(p, sizeof p, ptr, "agreements");
	json_array_foreach(agreements, i, item) {
		snprintf(ip, sizeof ip, "%s/%zu", p, i);
		if (json_is_object(item))
			responds_to(item, ip, axis, v);
	}
	json_pointer_join(p, sizeof p, ptr, "activities");
	json_array_foreach(activities, i, item) {
		const json_t *g = json_object_get(item, "agreement");

		if (!json_is_object(item))
			continue;
		snprintf(ip, sizeof ip, "%s/%zu", p, i);
		responds_to(item, ip, axis, v);
		if (json_is_integer(g) && !find_number(agreements, json_integer_value(g))) {
			json_pointer_join(ip + strlen(ip), sizeof ip - strlen(ip), "", "agreement");
			verr_add(v, ip, "no es el número de ningún acuerdo de este eje",
			         "is not the number of any agreement of this axis");
		}
	}
}
