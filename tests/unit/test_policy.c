/* Unit tests of the authorization policy: every cell of the role × action table (the
 * relations of 'U' and 'A' cells are checked with the data, by the integration suite),
 * the gate, and who sees drafts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "auth/policy.h"

/* Columns: public, ciudadanos, directores, administradora, an unknown role.
 * 0 = no, 1 = yes, 'U' = only on activities of the director's unit, 'A' = only on the
 * citizen's own submission. */
static const struct {
	enum action a;
	const char *name;
	int cell[5];
} table[] = {
	{ACT_READ, "read", {1, 1, 1, 1, 1}},
	{ACT_ME, "me", {0, 1, 1, 1, 0}},
	{ACT_PLAN_WRITE, "plan write", {0, 0, 0, 1, 0}},
	{ACT_UNIT_WRITE, "unit write", {0, 0, 0, 1, 0}},
	{ACT_USER_ADMIN, "user admin", {0, 0, 0, 1, 0}},
	{ACT_AUDIT_READ, "audit read", {0, 0, 0, 1, 0}},
	{ACT_OBS_SUBMIT, "observation submit", {0, 1, 1, 1, 0}},
	{ACT_OBS_REVIEW, "observation review", {0, 0, 1, 1, 0}},
	{ACT_OBS_WITHDRAW, "observation withdraw", {0, 'A', 0, 0, 0}},
	{ACT_OWN_OBS_READ, "own observations", {0, 1, 0, 0, 0}},
	{ACT_REPORT_PROGRESS, "report progress", {0, 0, 'U', 1, 0}},
	{ACT_WEBHOOK_ADMIN, "webhooks", {0, 0, 0, 1, 0}},
};

static const enum role roles[5] = {ROLE_PUBLIC, ROLE_CIUDADANOS, ROLE_DIRECTORES, ROLE_ADMIN,
                                   ROLE_OTHER};

static void
every_cell_of_the_table_matches_the_contract(void **state)
{
	assert_int_equal(sizeof table / sizeof table[0], ACT_COUNT);
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		for (int r = 0; r < 5; r++) {
			bool want = table[i].cell[r] != 0;

			if (policy_allows(roles[r], table[i].a) != want)
				fail_msg("%s for role column %d: want %d", table[i].name, r, want);
		}
	}
}

static void
an_unknown_role_may_only_read(void **state)
{
	for (int a = 0; a < ACT_COUNT; a++)
		assert_int_equal(policy_allows(ROLE_OTHER, (enum action)a), a == ACT_READ);
}

static void
an_action_out_of_range_is_refused(void **state)
{
	assert_false(policy_allows(ROLE_ADMIN, ACT_COUNT));
	assert_false(policy_allows(ROLE_ADMIN, (enum action)-1));
}

static void
only_directors_and_the_administrator_see_drafts(void **state)
{
	assert_false(policy_is_staff(ROLE_PUBLIC));
	assert_false(policy_is_staff(ROLE_CIUDADANOS));
	assert_true(policy_is_staff(ROLE_DIRECTORES));
	assert_true(policy_is_staff(ROLE_ADMIN));
	assert_false(policy_is_staff(ROLE_OTHER));
}

/* The gate: a token before any write but login and registration; an unknown role refused
 * everywhere but login and the service's own documents. */
static void
the_gate_answers_each_role_and_path(void **state)
{
	static const struct {
		enum role role;
		bool write;
		const char *path;
		int want;
	} cases[] = {
		{ROLE_PUBLIC, true, "/api/v1/plans", 401},
		{ROLE_PUBLIC, true, "/api/v1/axes/:id/observations", 401},
		{ROLE_PUBLIC, false, "/api/v1/plans", 0},
		{ROLE_PUBLIC, true, "/api/v1/auth/token", 0},
		{ROLE_PUBLIC, true, "/api/v1/auth/register", 0},
		{ROLE_CIUDADANOS, true, "/api/v1/plans", 0},
		{ROLE_ADMIN, true, "/api/v1/plans", 0},
		{ROLE_OTHER, false, "/api/v1/plans", 403},
		{ROLE_OTHER, true, "/api/v1/plans", 403},
		{ROLE_OTHER, true, "/api/v1/auth/token", 0},
		{ROLE_OTHER, false, "/health", 0},
		{ROLE_OTHER, false, "/openapi.json", 0},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int got = policy_gate(cases[i].role, cases[i].write, cases[i].path);

		if (got != cases[i].want)
			fail_msg("case %zu (%s): %d, want %d", i, cases[i].path, got, cases[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_cell_of_the_table_matches_the_contract),
		cmocka_unit_test(an_unknown_role_may_only_read),
		cmocka_unit_test(an_action_out_of_range_is_refused),
		cmocka_unit_test(only_directors_and_the_administrator_see_drafts),
		cmocka_unit_test(the_gate_answers_each_role_and_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
