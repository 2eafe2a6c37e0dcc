/* Unit tests of the document's links by number (core/document_links.c, through
 * document_validate): what a link may name, and the pointer of each bad one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/document.h"

/* One axis: observations 1 (accepted) and 2 (received), contribution 1 (accepted),
 * agreement 1, and activity 1 with the links given in %s. */
static const char axis_fmt[] =
	"{\"title\":\"P\",\"entity\":\"E\",\"year\":2024,\"axes\":[{\"number\":1,\"name\":\"A\","
	"\"observations\":[{\"body\":\"uno\",\"status\":\"accepted\"},"
	"{\"number\":2,\"body\":\"dos\"}],"
	"\"contributions\":[{\"number\":1,\"body\":\"tres\",\"status\":\"accepted\"}],"
	"\"agreements\":[{\"number\":1,\"text\":\"g\",%s}],"
	"\"activities\":[{\"number\":1,\"description\":\"t\",\"due_month\":3,\"units\":[\"U\"]%s}]}]}";

/* Validates the document with agreement members g and activity members t; the errors
 * found go to v. */
static size_t
errors(const char *g, const char *t, struct verr *v)
{
	char text[2048];
	json_t *j;

	snprintf(text, sizeof text, axis_fmt, g, t);
	j = json_loads(text, 0, NULL);
	assert_non_null(j);
	verr_init(v);
	document_validate(j, v);
	json_decref(j);
	return verr_count(v);
}

static const char *
pointer_at(struct verr *v, size_t i)
{
	return json_string_value(json_object_get(json_array_get(v->en, i), "pointer"));
}

static void
links_to_accepted_items_of_the_axis_are_valid(void **state)
{
	struct verr v;

	assert_int_equal(errors("\"responds_to\":{\"observations\":[1],\"contributions\":[1]}",
	                        ",\"agreement\":1,\"responds_to\":{\"observations\":[1]}", &v), 0);
	verr_free(&v);
	assert_int_equal(errors("\"responds_to\":{}", ",\"agreement\":null", &v), 0);
	verr_free(&v);
}

static void
a_number_missing_from_the_axis_is_pointed_at(void **state)
{
	struct verr v;

	assert_int_equal(errors("\"responds_to\":{\"observations\":[3]}",
	                        ",\"agreement\":2,\"responds_to\":{\"contributions\":[2]}", &v), 3);
	assert_string_equal(pointer_at(&v, 0), "/axes/0/agreements/0/responds_to/observations/0");
	assert_string_equal(pointer_at(&v, 1), "/axes/0/activities/0/responds_to/contributions/0");
	assert_string_equal(pointer_at(&v, 2), "/axes/0/activities/0/agreement");
	verr_free(&v);
}

static void
only_accepted_observations_are_linked_once(void **state)
{
	struct verr v;

	assert_int_equal(errors("\"responds_to\":{\"observations\":[2,1,1]}", "", &v), 2);
	assert_string_equal(pointer_at(&v, 0), "/axes/0/agreements/0/responds_to/observations/0");
	assert_string_equal(pointer_at(&v, 1), "/axes/0/agreements/0/responds_to/observations/2");
	verr_free(&v);
}

static void
responds_to_has_a_shape(void **state)
{
	struct verr v;

	assert_int_equal(errors("\"responds_to\":[1]", ",\"responds_to\":{\"others\":[1]}", &v), 2);
	assert_string_equal(pointer_at(&v, 0), "/axes/0/agreements/0/responds_to");
	assert_string_equal(pointer_at(&v, 1), "/axes/0/activities/0/responds_to/others");
	verr_free(&v);
}

static void
numbers_increase_along_a_list(void **state)
{
	struct verr v;
	json_t *j = json_loads(
		"{\"title\":\"P\",\"entity\":\"E\",\"year\":2024,\"axes\":[{\"number\":1,\"name\":\"A\","
		"\"observations\":[{\"number\":2,\"body\":\"uno\"},{\"body\":\"dos\"},"
		"{\"number\":5,\"body\":\"tres\"},{\"number\":5,\"body\":\"cua\"}]}]}", 0, NULL);

	assert_non_null(j);
	verr_init(&v);
	document_validate(j, &v);
	json_decref(j);
	/* the second's number is its position, 2: not above the first's */
	assert_int_equal(verr_count(&v), 2);
	assert_string_equal(pointer_at(&v, 0), "/axes/0/observations/1/number");
	assert_string_equal(pointer_at(&v, 1), "/axes/0/observations/3/number");
	verr_free(&v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(links_to_accepted_items_of_the_axis_are_valid),
		cmocka_unit_test(a_number_missing_from_the_axis_is_pointed_at),
		cmocka_unit_test(only_accepted_observations_are_linked_once),
		cmocka_unit_test(responds_to_has_a_shape),
		cmocka_unit_test(numbers_increase_along_a_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
