/* rendicion seed (stub until the importer lands). */
#include <stdio.h>

#include "cli/cli.h"

int
cli_seed(void)
{
	fprintf(stderr, "rendicion: seed is not available yet\n");
	return 1;
}
