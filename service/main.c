/* rendicion: the entry point, dispatching to migrate, seed, serve, token and user. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"
#include "db/migrate.h"
#include "db/pool.h"
#include "http/server.h"

static int
usage(void)
{
	fprintf(stderr,
	        "usage: rendicion migrate | seed | serve\n"
	        "       rendicion token --sub S --role R [--unit-id N] [--ttl SECONDS]\n"
	        "       rendicion user add --email E --role R [--unit-id N] [--name N] < password\n");
	return 2;
}

/* Loads the configuration a command needs and, if it uses the database, the pool. */
static bool
setup(int needs, int pool_size)
{
	if (!config_load(needs))
		return false;
	if ((needs & NEED_DB) && !db_pool_init(cfg.database_url, pool_size))
		return false;
	return true;
}

int
main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int rc;

	if (sodium_init() < 0) {
		fprintf(stderr, "rendicion: libsodium failed to start\n");
		return 1;
	}
	if (strcmp(cmd, "serve") == 0) {
		if (!config_load(NEED_DB | NEED_JWT | NEED_HTTP) ||
		    !db_pool_init(cfg.database_url, cfg.pool_size))
			return 1;
		rc = server_run();
	} else if (strcmp(cmd, "migrate") == 0) {
		if (!setup(NEED_DB, 1))
			return 1;
		rc = migrate_run();
	} else if (strcmp(cmd, "seed") == 0) {
		if (!setup(NEED_DB, 1))
			return 1;
		rc = cli_seed();
	} else if (strcmp(cmd, "token") == 0) {
		if (!setup(NEED_JWT | NEED_SIGNING, 0))
			return 1;
		return cli_token(argc - 2, argv + 2);
	} else if (strcmp(cmd, "user") == 0 && argc > 2 && strcmp(argv[2], "add") == 0) {
		if (!setup(NEED_DB, 1))
			return 1;
		rc = cli_user(argc - 3, argv + 3);
	} else {
		return usage();
	}
	db_pool_close();
	return rc;
}
