/* What every command does once its arguments are checked: read the configuration and,
 * for a command that uses the database, create the pool. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/token.h"
#include "core/config.h"
#include "db/pool.h"

static bool
parse_number(const char *s, long long min, long long max, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return !errno && *s >= '0' && *s <= '9' && !*end && *out >= min && *out <= max;
}

bool
cli_options(int argc, char **argv, const struct cli_option *opts)
{
	for (int i = 0; i + 1 < argc; i += 2) {
		const struct cli_option *o = opts;

		while (o->name && strcmp(o->name, argv[i]) != 0)
			o++;
		if (o->name == NULL)
			return false;
		if (o->text)
			*o->text = argv[i + 1];
		else if (!parse_number(argv[i + 1], o->min, o->max, o->number))
			return false;
	}
	return argc % 2 == 0;
}

bool
cli_role_ok(const char *role, long long unit)
{
	if (role_from_name(role) == ROLE_OTHER) {
		fprintf(stderr, "rendicion: --role must be administradora, directores or ciudadanos\n");
		return false;
	}
	if ((role_from_name(role) == ROLE_DIRECTORES) != (unit > 0)) {
		fprintf(stderr, "rendicion: --unit-id is required for directores and only for them\n");
		return false;
	}
	return true;
}

bool
cli_setup(int needs, int pool_size)
{
	if (!config_load(needs))
		return false;
	if ((needs & NEED_DB) &&
	    !db_pool_init(cfg.database_url, pool_size > 0 ? pool_size : cfg.pool_size,
	                  cfg.time_zone, cfg.answer_days, cfg.smtp_url != NULL,
	                  cfg.db_pool_mode == POOL_TRANSACTION))
		return false;
	return true;
}
