/* The operator's settings and answers: TIME_ZONE, the pooler's and the proxy's, and reasons that never name a
 * database constraint. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/config.h"
#include "http/reasons.h"

static void
time_zone_defaults_to_guayaquil_and_sets_the_process_zone(void **state)
{
	time_t t = 1798777800;   /* 2027-01-01T04:30:00Z */
	struct tm tm;

	(void)state;
	unsetenv("TIME_ZONE");
	assert_true(config_load(0));
	assert_string_equal(cfg.time_zone, "America/Guayaquil");
	assert_non_null(localtime_r(&t, &tm));
	/* Still 31 December in Quito. */
	assert_int_equal(tm.tm_mday, 31);
	assert_int_equal(tm.tm_gmtoff, -5 * 3600);
}

static void
time_zone_takes_iana_names_only(void **state)
{
	static const char *const bad[] = {"Mars/Olympus_Mons", "America/../../etc/passwd",
	                                  "/etc/localtime", "UTC-5 x", "America/Guayaquil'", NULL};

	(void)state;
	for (int i = 0; bad[i]; i++) {
		setenv("TIME_ZONE", bad[i], 1);
		assert_false(config_load(0));
	}
	setenv("TIME_ZONE", "UTC", 1);
	assert_true(config_load(0));
	setenv("TIME_ZONE", "Europe/Madrid", 1);
	assert_true(config_load(0));
	unsetenv("TIME_ZONE");
}

static void
pooler_and_proxy_settings_are_checked(void **state)
{
	static const char *const bad_proxies[] = {"proxy.example", "10.0.0.1,", ",10.0.0.1",
	                                          "10.0.0.1,,::1", "10.0.0.256", NULL};

	(void)state;
	unsetenv("DB_POOL_MODE");
	unsetenv("LISTEN_DATABASE_URL");
	setenv("DATABASE_URL", "postgresql://pgbouncer:6432/rendicion", 1);
	assert_true(config_load(0));
	assert_int_equal(cfg.db_pool_mode, POOL_SESSION);
	assert_string_equal(cfg.listen_database_url, "postgresql://pgbouncer:6432/rendicion");
	setenv("DB_POOL_MODE", "transaction", 1);
	setenv("LISTEN_DATABASE_URL", "postgresql://db:5432/rendicion", 1);
	assert_true(config_load(0));
	assert_int_equal(cfg.db_pool_mode, POOL_TRANSACTION);
	assert_string_equal(cfg.listen_database_url, "postgresql://db:5432/rendicion");
	setenv("DB_POOL_MODE", "statement", 1);
	assert_false(config_load(0));
	unsetenv("DB_POOL_MODE");
	for (int i = 0; bad_proxies[i]; i++) {
		setenv("TRUSTED_PROXIES", bad_proxies[i], 1);
		assert_false(config_load(0));
	}
	setenv("TRUSTED_PROXIES", "172.28.0.10,::1", 1);
	assert_true(config_load(0));
	unsetenv("TRUSTED_PROXIES");
	unsetenv("LISTEN_DATABASE_URL");
	unsetenv("DATABASE_URL");
}

static void
constraints_answer_with_domain_reasons(void **state)
{
	const struct reason *r;

	(void)state;
	r = reason_from_db("users_email_key");
	assert_non_null(r);
	assert_string_equal(r->name, "email_taken");
	assert_int_equal(r->status, 409);
	r = reason_from_db("axes_plan_id_number_key");
	assert_non_null(r);
	assert_string_equal(r->name, "axis_number_taken");
	r = reason_from_db("activity_units_unit_id_fkey");
	assert_non_null(r);
	assert_string_equal(r->name, "unknown_unit");
	assert_int_equal(r->status, 422);
	/* A raised reason is itself; an unmapped constraint is nothing (the caller's fallback). */
	assert_ptr_equal(reason_from_db("plan_not_found"), reason_find("plan_not_found"));
	assert_null(reason_from_db("axes_plan_id_fkey"));
	assert_null(reason_find("users_email_key"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(time_zone_defaults_to_guayaquil_and_sets_the_process_zone),
		cmocka_unit_test(time_zone_takes_iana_names_only),
		cmocka_unit_test(pooler_and_proxy_settings_are_checked),
		cmocka_unit_test(constraints_answer_with_domain_reasons),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
