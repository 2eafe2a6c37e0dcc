/* The subcommands other than serve and migrate. Each returns the process exit code. */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdbool.h>

/* Reads the configuration the command needs (NEED_* of core/config.h) and, with NEED_DB,
 * creates the pool of pool_size connections (0: DB_POOL_SIZE); false after printing why. */
bool cli_setup(int needs, int pool_size);
/* An option "--name VALUE" of a command: its value as given goes to *text, or a whole
 * number from min to max goes to *number. */
struct cli_option {
	const char *name;
	const char **text;
	long long *number, min, max;
};
/* Reads the argc words of argv as options of opts (ended by a NULL name), each followed
 * by its value; false for anything else: an unknown option, no value, a bad number. */
bool cli_options(int argc, char **argv, const struct cli_option *opts);

/* --role and --unit-id as given: one of the three roles, with a unit (> 0) for directores
 * and only for them; false after printing why. */
bool cli_role_ok(const char *role, long long unit);

/* rendicion seed: imports the embedded 2024 plan unless it is there already. */
int cli_seed(void);
/* rendicion token --sub S --role R [--unit-id N] [--ttl SECONDS]: checks its arguments,
 * then reads the configuration. */
int cli_token(int argc, char **argv);
/* rendicion user add --email E --role R [--unit-id N] [--name N] (password on stdin):
 * checks its arguments, then reads the configuration and creates the pool. */
int cli_user(int argc, char **argv);

#endif
