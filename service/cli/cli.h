/* The subcommands other than serve and migrate. Each returns the process exit code. */
#ifndef CLI_CLI_H
#define CLI_CLI_H

/* rendicion seed: imports the embedded 2024 plan unless it is there already. */
int cli_seed(void);
/* rendicion token --sub S --role R [--unit-id N] [--ttl SECONDS] */
int cli_token(int argc, char **argv);
/* rendicion user add --email E --role R [--unit-id N] [--name N] (password on stdin) */
int cli_user(int argc, char **argv);

#endif
