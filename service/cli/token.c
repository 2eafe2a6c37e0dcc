/* rendicion token: prints a signed access token, for operators and tests. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "auth/token.h"
#include "cli/cli.h"
#include "core/config.h"

static int
usage(void)
{
	fprintf(stderr, "usage: rendicion token --sub S --role R [--unit-id N] [--ttl SECONDS]\n");
	return 2;
}


int
cli_token(int argc, char **argv)
{
	const char *sub = NULL, *role = NULL;
	long long unit = 0, ttl = 0;  /* 0: TOKEN_TTL_SECONDS */
	const struct cli_option opts[] = {
		{"--sub", &sub, NULL, 0, 0},
		{"--role", &role, NULL, 0, 0},
		{"--unit-id", NULL, &unit, 1, 1LL << 52},
		{"--ttl", NULL, &ttl, 1, 366LL * 86400},
		{NULL, NULL, NULL, 0, 0},
	};
	char *tok;

	if (!cli_options(argc, argv, opts))
		return usage();
	if (sub == NULL || *sub == '\0' || role == NULL)
		return usage();
	if (!cli_role_ok(role, unit))
		return 2;
	if (!cli_setup(NEED_JWT | NEED_SIGNING, 0))
		return 1;
	tok = token_issue(sub, role, unit, ttl > 0 ? (long)ttl : cfg.token_ttl, time(NULL));
	if (tok == NULL) {
		fprintf(stderr, "rendicion: cannot sign the token\n");
		return 1;
	}
	printf("%s\n", tok);
	free(tok);
	return 0;
}
