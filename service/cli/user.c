/* rendicion user add (stub until the accounts module lands). */
#include <stdio.h>

#include "cli/cli.h"

int
cli_user(int argc, char **argv)
{
	fprintf(stderr, "rendicion: user add is not available yet\n");
	return 1;
}
