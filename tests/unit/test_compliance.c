/* Unit tests of core/compliance: percentages, averages, half-up rounding, rendering,
 * and the as_of date check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/compliance.h"

static struct compliance_counts
counts(int64_t activities, int64_t done, int64_t cancelled, int64_t progress_sum)
{
	struct compliance_counts n = {0};

	n.activities = activities;
	n.done = done;
	n.cancelled = cancelled;
	n.progress_sum = progress_sum;
	return n;
}

static void
one_third_rounds_down_to_33_3(void **state)
{
	struct compliance_counts n = counts(3, 1, 0, 100);

	assert_int_equal(compliance_pct_tenths(&n), 333);
	assert_int_equal(compliance_avg_tenths(&n), 333);
}

static void
two_thirds_rounds_up_to_66_7(void **state)
{
	struct compliance_counts n = counts(3, 2, 0, 200);

	assert_int_equal(compliance_pct_tenths(&n), 667);
	assert_int_equal(compliance_avg_tenths(&n), 667);
}

static void
an_exact_half_tenth_rounds_up(void **state)
{
	struct compliance_counts n = counts(16, 1, 0, 100);   /* 6.25 → 6.3 */
	struct compliance_counts m = counts(8, 0, 0, 5);      /* 0.625 → 0.6 */
	struct compliance_counts k = counts(40, 0, 0, 1);     /* 0.025 → 0.0 */
	struct compliance_counts h = counts(20, 0, 0, 1);     /* 0.05 → 0.1 */

	assert_int_equal(compliance_pct_tenths(&n), 63);
	assert_int_equal(compliance_avg_tenths(&n), 63);
	assert_int_equal(compliance_avg_tenths(&m), 6);
	assert_int_equal(compliance_avg_tenths(&k), 0);
	assert_int_equal(compliance_avg_tenths(&h), 1);
}

static void
cancelled_activities_leave_the_denominator(void **state)
{
	struct compliance_counts n = counts(16, 1, 1, 100);   /* 1 / 15 = 6.67 */

	assert_int_equal(compliance_pct_tenths(&n), 67);
	assert_int_equal(compliance_avg_tenths(&n), 67);
}

static void
all_cancelled_gives_zero(void **state)
{
	struct compliance_counts n = counts(4, 0, 4, 0);

	assert_int_equal(compliance_pct_tenths(&n), 0);
	assert_int_equal(compliance_avg_tenths(&n), 0);
}

static void
no_activities_gives_zero(void **state)
{
	struct compliance_counts n = counts(0, 0, 0, 0);

	assert_int_equal(compliance_pct_tenths(&n), 0);
	assert_int_equal(compliance_avg_tenths(&n), 0);
}

static void
all_done_gives_100(void **state)
{
	struct compliance_counts n = counts(7, 7, 0, 700);

	assert_int_equal(compliance_pct_tenths(&n), 1000);
	assert_int_equal(compliance_avg_tenths(&n), 1000);
}

static void
counts_render_with_one_decimal(void **state)
{
	struct compliance_counts n = {3, 1, 1, 1, 0, 0, 2, 150, 0, 0};
	struct buf b = BUF_INIT;

	compliance_counts_json(&b, &n);
	assert_string_equal(buf_str(&b),
	                    "\"activities\":3,\"done\":1,\"in_progress\":1,\"pending\":1,"
	                    "\"cancelled\":0,\"not_done\":0,\"overdue\":2,\"compliance_pct\":33.3,"
	                    "\"avg_progress\":50.0,\"observations_answered_late\":0,"
	                    "\"observations_unanswered_overdue\":0");
	buf_free(&b);
}

static void
report_renders_totals_axes_and_units_in_order(void **state)
{
	struct compliance_report r = {0};
	struct compliance_counts a = counts(2, 1, 0, 150), u = counts(1, 0, 1, 0);
	struct compliance_counts w = u;
	char *json;

	a.answered_late = 3;
	a.unanswered_overdue = 4;
	w.unanswered_overdue = 1;
	r.plan_id = 9;
	memcpy(r.as_of, "2024-09-15", 11);
	r.totals = a;
	assert_true(compliance_add_group(&r, true, 4, 1, "Eje \"uno\"", &a));
	assert_true(compliance_add_group(&r, true, 5, 2, "Eje dos", &u));
	assert_true(compliance_add_group(&r, false, 7, 0, "Dirección", &w));
	json = compliance_render(&r);
	assert_non_null(json);
	assert_string_equal(json,
		"{\"plan_id\":9,\"as_of\":\"2024-09-15\",\"totals\":{\"activities\":2,\"done\":1,"
		"\"in_progress\":0,\"pending\":0,\"cancelled\":0,\"not_done\":0,\"overdue\":0,\"compliance_pct\":50.0,"
		"\"avg_progress\":75.0,\"observations_answered_late\":3,"
		"\"observations_unanswered_overdue\":4},\"by_axis\":[{\"axis_id\":4,\"number\":1,"
		"\"name\":\"Eje \\\"uno\\\"\",\"activities\":2,\"done\":1,\"in_progress\":0,"
		"\"pending\":0,\"cancelled\":0,\"not_done\":0,\"overdue\":0,\"compliance_pct\":50.0,"
		"\"avg_progress\":75.0,\"observations_answered_late\":3,"
		"\"observations_unanswered_overdue\":4},{\"axis_id\":5,\"number\":2,\"name\":\"Eje dos\","
		"\"activities\":1,\"done\":0,\"in_progress\":0,\"pending\":0,\"cancelled\":1,"
		"\"not_done\":0,\"overdue\":0,\"compliance_pct\":0.0,\"avg_progress\":0.0,"
		"\"observations_answered_late\":0,\"observations_unanswered_overdue\":0}],\"by_unit\":[{"
		"\"unit_id\":7,\"name\":\"Dirección\",\"activities\":1,\"done\":0,\"in_progress\":0,"
		"\"pending\":0,\"cancelled\":1,\"not_done\":0,\"overdue\":0,\"compliance_pct\":0.0,"
		"\"avg_progress\":0.0,\"observations_answered_late\":0,"
		"\"observations_unanswered_overdue\":1}]}");
	free(json);
	compliance_report_free(&r);
	assert_null(r.axes);
	assert_int_equal(r.nunits, 0);
}

/* The answer counts are observations, not activities: written as counted, whatever the
 * activities are (none here), and they do not enter the percentages. */
static void
answer_counts_render_beside_the_activities(void **state)
{
	struct compliance_counts n = counts(0, 0, 0, 0);
	struct buf b = BUF_INIT;

	n.answered_late = 12;
	n.unanswered_overdue = 1234567890123LL;
	compliance_counts_json(&b, &n);
	assert_string_equal(buf_str(&b),
	                    "\"activities\":0,\"done\":0,\"in_progress\":0,\"pending\":0,"
	                    "\"cancelled\":0,\"not_done\":0,\"overdue\":0,\"compliance_pct\":0.0,"
	                    "\"avg_progress\":0.0,\"observations_answered_late\":12,"
	                    "\"observations_unanswered_overdue\":1234567890123");
	assert_int_equal(compliance_pct_tenths(&n), 0);
	buf_free(&b);
}

static void
empty_report_renders_empty_lists(void **state)
{
	struct compliance_report r = {0};
	char *json;

	r.plan_id = 1;
	memcpy(r.as_of, "2025-01-15", 11);
	json = compliance_render(&r);
	assert_non_null(json);
	assert_non_null(strstr(json, "\"by_axis\":[],\"by_unit\":[]}"));
	assert_non_null(strstr(json, "\"compliance_pct\":0.0,\"avg_progress\":0.0,"
	                       "\"observations_answered_late\":0,"
	                       "\"observations_unanswered_overdue\":0}"));
	free(json);
}

static void
dates_are_checked_against_the_calendar(void **state)
{
	assert_true(compliance_date_ok("2024-09-15"));
	assert_true(compliance_date_ok("2024-02-29"));
	assert_true(compliance_date_ok("2000-02-29"));
	assert_true(compliance_date_ok("2024-12-31"));
	assert_false(compliance_date_ok("2023-02-29"));
	assert_false(compliance_date_ok("1900-02-29"));
	assert_false(compliance_date_ok("2024-04-31"));
	assert_false(compliance_date_ok("2024-13-01"));
	assert_false(compliance_date_ok("2024-00-10"));
	assert_false(compliance_date_ok("2024-01-00"));
	assert_false(compliance_date_ok("2024-9-15"));
	assert_false(compliance_date_ok("2024-09-15T00:00:00Z"));
	assert_false(compliance_date_ok("2024/09/15"));
	assert_false(compliance_date_ok("+024-09-15"));
	assert_false(compliance_date_ok("0999-01-01"));
	assert_false(compliance_date_ok(""));
	assert_false(compliance_date_ok(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_third_rounds_down_to_33_3),
		cmocka_unit_test(two_thirds_rounds_up_to_66_7),
		cmocka_unit_test(an_exact_half_tenth_rounds_up),
		cmocka_unit_test(cancelled_activities_leave_the_denominator),
		cmocka_unit_test(all_cancelled_gives_zero),
		cmocka_unit_test(no_activities_gives_zero),
		cmocka_unit_test(all_done_gives_100),
		cmocka_unit_test(counts_render_with_one_decimal),
		cmocka_unit_test(report_renders_totals_axes_and_units_in_order),
		cmocka_unit_test(answer_counts_render_beside_the_activities),
		cmocka_unit_test(empty_report_renders_empty_lists),
		cmocka_unit_test(dates_are_checked_against_the_calendar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
