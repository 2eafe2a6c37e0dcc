/* rendicion token: prints a signed access token, for operators and tests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static bool
parse_long(const char *s, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return !errno && *s && !*end && *out >= min && *out <= max;
}

int
cli_token(int argc, char **argv)
{
	const char *sub = NULL, *role = NULL;
	long unit = 0, ttl = 0;  /* 0: TOKEN_TTL_SECONDS */
	char *tok;

	for (int i = 0; i < argc; i++) {
		if (i + 1 >= argc)
			return usage();
		if (strcmp(argv[i], "--sub") == 0)
			sub = argv[++i];
		else if (strcmp(argv[i], "--role") == 0)
			role = argv[++i];
		else if (strcmp(argv[i], "--unit-id") == 0) {
			if (!parse_long(argv[++i], 1, 1L << 52, &unit))
				return usage();
		} else if (strcmp(argv[i], "--ttl") == 0) {
			if (!parse_long(argv[++i], 1, 366L * 86400, &ttl))
				return usage();
		} else
			return usage();
	}
	if (sub == NULL || *sub == '\0' || role == NULL)
		return usage();
	if (role_from_name(role) == ROLE_OTHER) {
		fprintf(stderr, "rendicion: --role must be administradora, directores or ciudadanos\n");
		return 2;
	}
	if ((role_from_name(role) == ROLE_DIRECTORES) != (unit > 0)) {
		fprintf(stderr, "rendicion: --unit-id is required for directores and only for them\n");
		return 2;
	}
	if (!cli_setup(NEED_JWT | NEED_SIGNING, 0))
		return 1;
	tok = token_issue(sub, role, unit, ttl > 0 ? ttl : cfg.token_ttl, time(NULL));
	if (tok == NULL) {
		fprintf(stderr, "rendicion: cannot sign the token\n");
		return 1;
	}
	printf("%s\n", tok);
	free(tok);
	return 0;
}
