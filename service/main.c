/* rendicion: the entry point, dispatching to migrate, seed, serve, token, user and version.
 * Every command checks its arguments before it reads the configuration: an unknown option
 * or an extra argument gets the command's usage line and exit 2, never a guess. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"
#include "core/log.h"
#include "core/version.h"
#include "db/migrate.h"
#include "db/pool.h"
#include "http/server.h"

static const char usage_text[] =
	"usage: rendicion serve\n"
	"       rendicion migrate [--status | --dry-run]\n"
	"       rendicion seed\n"
	"       rendicion token --sub S --role R [--unit-id N] [--ttl SECONDS]\n"
	"       rendicion user add --email E --role R [--unit-id N] [--name N] < password\n"
	"       rendicion version | --version | --help\n";

/* The usage of one command (line), or of all of them (NULL); exit status 2. */
static int
usage(const char *line)
{
	if (line)
		fprintf(stderr, "usage: rendicion %s\n", line);
	else
		(void)fputs(usage_text, stderr);   /* nothing to do if stderr is gone */
	return 2;
}

static int
serve(void)
{
	int rc;

	if (!cli_setup(NEED_DB | NEED_JWT | NEED_HTTP, 0))
		return 1;
	/* A database migrated by a newer release has a schema this binary would misread. */
	rc = migrate_check();
	if (rc == 1) {
		db_pool_close();
		return 1;
	}
	if (rc == 2)
		fprintf(stderr, "rendicion: warning: the database does not answer; its schema is "
		                "not checked\n");
	rc = server_run();
	db_pool_close();
	return rc;
}

static int
migrate(int argc, char **argv)
{
	enum migrate_mode mode = MIGRATE_APPLY;
	int rc;

	if (argc == 1 && strcmp(argv[0], "--status") == 0)
		mode = MIGRATE_STATUS;
	else if (argc == 1 && strcmp(argv[0], "--dry-run") == 0)
		mode = MIGRATE_DRY_RUN;
	else if (argc != 0)
		return usage("migrate [--status | --dry-run]");
	if (!cli_setup(NEED_DB, 1))
		return 1;
	rc = migrate_run(mode);
	db_pool_close();
	return rc;
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
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		if (argc != 2)
			return usage("version | --version");
		printf("rendicion %s (schema %d)\n", rendicion_version, migrate_schema());
		return 0;
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		(void)fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(cmd, "serve") == 0)
		return argc == 2 ? serve() : usage("serve");
	if (strcmp(cmd, "migrate") == 0)
		return migrate(argc - 2, argv + 2);
	if (strcmp(cmd, "seed") == 0) {
		if (argc != 2)
			return usage("seed");
		if (!cli_setup(NEED_DB, 1))
			return 1;
		rc = cli_seed();
		db_pool_close();
		return rc;
	}
	if (strcmp(cmd, "token") == 0)
		return cli_token(argc - 2, argv + 2);
	if (strcmp(cmd, "user") == 0) {
		if (argc < 3 || strcmp(argv[2], "add") != 0)
			return usage("user add --email E --role R [--unit-id N] [--name N] < password");
		rc = cli_user(argc - 3, argv + 3);
		db_pool_close();
		return rc;
	}
	if (*cmd)
		fprintf(stderr, "rendicion: unknown command '%s'\n", cmd);
	return usage(NULL);
}
