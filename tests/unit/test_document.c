/* Unit tests of the plan document (core/document.c, core/document_links.c, through
 * document_validate): what a complete plan holds, the pointer of each bad element, the
 * approval rules, and what a link by number may name. */
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

static const char *
pointer_at(struct verr *v, size_t i)
{
	return json_string_value(json_object_get(json_array_get(v->en, i), "pointer"));
}

static size_t
doc_errors(const char *text, struct verr *v)
{
	json_t *j = json_loads(text, 0, NULL);

	assert_non_null(j);
	verr_init(v);
	document_validate(j, v);
	json_decref(j);
	return verr_count(v);
}

/* The axis_fmt document with agreement members g and activity members t. */
static size_t
errors(const char *g, const char *t, struct verr *v)
{
	char text[2048];

	snprintf(text, sizeof text, axis_fmt, g, t);
	return doc_errors(text, v);
}

static const char good_doc[] =
	"{\"title\":\"Plan\",\"process\":\"RC\",\"entity\":\"AZ\",\"year\":2024,\"status\":\"draft\","
	"\"elaborated_by\":null,\"approved_by\":null,\"axes\":[{\"number\":1,\"name\":\"Eje\","
	"\"description\":\"d\",\"observations\":[{\"body\":\"Una observación\",\"source\":"
	"\"deliberation\",\"status\":\"accepted\",\"response\":null}],\"contributions\":[],"
	"\"agreements\":[{\"number\":1,\"text\":\"Acuerdo\"}],\"activities\":[{\"number\":1,"
	"\"description\":\"Actividad\",\"due_month\":8,\"units\":[\"Unidad A\"],\"status\":"
	"\"pending\",\"progress\":0}]}]}";

static void
document_accepts_a_complete_plan(void **state)
{
	struct verr v;

	assert_int_equal(doc_errors(good_doc, &v), 0);
	verr_free(&v);
}

static void
document_reports_each_bad_element_deep_in_the_tree(void **state)
{
	struct verr v;
	const char *bad =
		"{\"title\":\"Plan\",\"entity\":\"AZ\",\"year\":2024,\"status\":\"approved\","
		"\"axes\":[{\"number\":1,\"name\":\"A\",\"activities\":[{\"number\":1,"
		"\"description\":\"x\",\"due_month\":13,\"units\":[]},{\"number\":1,"
		"\"description\":\"y\",\"due_month\":1,\"units\":[\"U\"],\"status\":\"done\","
		"\"progress\":50}],\"observations\":[{\"body\":\"abc\",\"status\":\"rejected\"}]},"
		"{\"number\":1,\"name\":\"B\"}]}";

	assert_int_equal(doc_errors(bad, &v), 8);
	assert_string_equal(pointer_at(&v, 0), "/axes/0/observations/0/response");
	assert_string_equal(pointer_at(&v, 1), "/axes/0/activities/0/due_month");
	assert_string_equal(pointer_at(&v, 2), "/axes/0/activities/0/units");
	assert_string_equal(pointer_at(&v, 3), "/axes/0/activities/1/progress");
	assert_string_equal(pointer_at(&v, 4), "/axes/0/activities/1/number");
	assert_string_equal(pointer_at(&v, 5), "/axes/1/number");
	assert_string_equal(pointer_at(&v, 6), "/approved_by");
	assert_string_equal(pointer_at(&v, 7), "/elaborated_by");
	verr_free(&v);
}

/* approved_at is exactly YYYY-MM-DDTHH:MM:SSZ: digits where digits go, in range. */
static void
document_reads_approved_at_strictly(void **state)
{
	static const char *const good[] = {"2024-05-31T23:59:59Z", "2000-01-01T00:00:00Z"};
	static const char *const bad[] = {"2024-05-31T23:59:59+", "2024-13-01T00:00:00Z",
	                                  "2024-05-31T24:00:00Z", "2024-05- 1T00:00:00Z",
	                                  "2024-05-+1T00:00:00Z", "1999-05-31T00:00:00Z",
	                                  "2024/05/31T00:00:00Z", "2024-05-31T00:00:60Z"};
	char doc[1024];
	struct verr v;

	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		snprintf(doc, sizeof doc, "{\"approved_at\":\"%s\",%s", good[i], good_doc + 1);
		assert_int_equal(doc_errors(doc, &v), 0);
		verr_free(&v);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		snprintf(doc, sizeof doc, "{\"approved_at\":\"%s\",%s", bad[i], good_doc + 1);
		assert_int_equal(doc_errors(doc, &v), 1);
		assert_string_equal(pointer_at(&v, 0), "/approved_at");
		verr_free(&v);
	}
}

static void
document_keeps_the_approval_rules(void **state)
{
	struct verr v;

	/* approved without axes: what POST /plans/{id}/approve refuses */
	assert_int_equal(doc_errors("{\"title\":\"P\",\"entity\":\"E\",\"year\":2024,"
	                            "\"status\":\"approved\",\"elaborated_by\":{\"name\":\"a\","
	                            "\"position\":\"b\"},\"approved_by\":{\"name\":\"c\","
	                            "\"position\":\"d\"},\"axes\":[]}", &v), 1);
	assert_string_equal(pointer_at(&v, 0), "/axes");
	verr_free(&v);
	/* an approver on a draft: kept, for the round trip of a document made a draft */
	assert_int_equal(doc_errors("{\"title\":\"P\",\"entity\":\"E\",\"year\":2024,"
	                            "\"approved_by\":{\"name\":\"c\",\"position\":\"d\"},"
	                            "\"axes\":[]}", &v), 0);
	verr_free(&v);
	assert_int_equal(doc_errors("{\"title\":\"P\",\"entity\":\"E\",\"year\":2024,"
	                            "\"status\":\"draft\",\"approved_by\":null,\"axes\":[]}", &v), 0);
	verr_free(&v);
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
		cmocka_unit_test(document_accepts_a_complete_plan),
		cmocka_unit_test(document_reports_each_bad_element_deep_in_the_tree),
		cmocka_unit_test(document_keeps_the_approval_rules),
		cmocka_unit_test(document_reads_approved_at_strictly),
		cmocka_unit_test(links_to_accepted_items_of_the_axis_are_valid),
		cmocka_unit_test(a_number_missing_from_the_axis_is_pointed_at),
		cmocka_unit_test(only_accepted_observations_are_linked_once),
		cmocka_unit_test(responds_to_has_a_shape),
		cmocka_unit_test(numbers_increase_along_a_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
