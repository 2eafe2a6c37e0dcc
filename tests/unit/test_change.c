/* Unit tests of the response cache's invalidation rule (core/change.c): the payloads the
 * audit trigger sends, what each public answer shows, and which changes retire which. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/change.h"

static bool
retires(const char *payload, const char *pattern, int64_t id)
{
	struct change ch = change_parse(payload);
	struct shows s = change_shows(pattern, id);

	return change_retires(&ch, &s);
}

static void
payloads_are_read(void **state)
{
	struct change ch = change_parse("plan 12 public");

	assert_int_equal(ch.scope, CHANGE_PLAN);
	assert_int_equal(ch.plan, 12);
	assert_true(ch.public);
	ch = change_parse("plan 7 staff");
	assert_int_equal(ch.scope, CHANGE_PLAN);
	assert_false(ch.public);
	ch = change_parse("units 0 public");
	assert_int_equal(ch.scope, CHANGE_UNITS);
	assert_true(ch.public);
	ch = change_parse("users 0 staff");
	assert_int_equal(ch.scope, CHANGE_ALL);
	assert_false(ch.public);
}

static void
an_unreadable_payload_is_a_public_change_of_everything(void **state)
{
	const char *bad[] = {"", "observation", "plan", "plan x public", "plan 0 public",
	                     "plan -3 public", "plan 12", "plan 99999999999999999999 public"};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct change ch = change_parse(bad[i]);

		assert_int_equal(ch.scope, CHANGE_ALL);
		assert_true(ch.public);
	}
	assert_true(change_parse(NULL).public);
}

static void
a_change_the_public_cannot_see_retires_nothing(void **state)
{
	assert_false(retires("plan 5 staff", "/api/v1/plans/:id/document", 5));
	assert_false(retires("plan 5 staff", "/api/v1/plans", 0));
	assert_false(retires("users 0 staff", "/api/v1/axes/:id", 9));
}

static void
a_public_change_of_a_plan_retires_that_plan_and_lists_only(void **state)
{
	assert_true(retires("plan 5 public", "/api/v1/plans/:id/document", 5));
	assert_true(retires("plan 5 public", "/api/v1/plans/:id", 5));
	assert_true(retires("plan 5 public", "/api/v1/plans/:id/compliance", 5));
	assert_true(retires("plan 5 public", "/api/v1/plans", 0));
	assert_false(retires("plan 5 public", "/api/v1/plans/:id/document", 6));
	assert_false(retires("plan 5 public", "/api/v1/plans/:id/activities", 6));
	/* A plan made public shows its units (migrations/functions/11_units.sql). */
	assert_true(retires("plan 5 public", "/api/v1/units", 0));
}

static void
answers_whose_plan_the_path_does_not_name_retire_on_any_public_change(void **state)
{
	assert_true(retires("plan 5 public", "/api/v1/axes/:id/observations", 40));
	assert_true(retires("plan 6 public", "/api/v1/activities/:id", 40));
	assert_true(retires("units 0 public", "/api/v1/activities/:id/updates", 40));
	assert_true(retires("all 0 public", "/api/v1/observations/:id", 40));
}

static void
a_unit_change_retires_what_shows_units_in_every_plan(void **state)
{
	assert_true(retires("units 0 public", "/api/v1/plans/:id/activities", 5));
	assert_true(retires("units 0 public", "/api/v1/plans/:id/document", 6));
	assert_true(retires("units 0 public", "/api/v1/plans/:id/compliance", 7));
	assert_true(retires("units 0 public", "/api/v1/units", 0));
	assert_true(retires("units 0 public", "/api/v1/units/:id", 3));
	assert_false(retires("units 0 public", "/api/v1/plans/:id", 5));
	assert_false(retires("units 0 public", "/api/v1/plans/:id/axes", 5));
}

static void
a_change_of_everything_retires_everything(void **state)
{
	assert_true(retires("all 0 public", "/api/v1/plans/:id", 5));
	assert_true(retires("all 0 public", "/api/v1/units", 0));
	assert_true(retires("observation", "/api/v1/plans/:id/document", 5));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(payloads_are_read),
		cmocka_unit_test(an_unreadable_payload_is_a_public_change_of_everything),
		cmocka_unit_test(a_change_the_public_cannot_see_retires_nothing),
		cmocka_unit_test(a_public_change_of_a_plan_retires_that_plan_and_lists_only),
		cmocka_unit_test(answers_whose_plan_the_path_does_not_name_retire_on_any_public_change),
		cmocka_unit_test(a_unit_change_retires_what_shows_units_in_every_plan),
		cmocka_unit_test(a_change_of_everything_retires_everything),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
