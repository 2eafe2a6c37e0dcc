/* libFuzzer target for service/core/jsontext.c: json_compact, which skips through
 * strings with memchr and a look-back over backslashes, must agree byte for byte with
 * the plain definition (white space outside strings dropped, strings kept whole) on
 * any input, and never read or write outside the string (ASan). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsontext.h"
#include "jsontext_reference.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *a = malloc(size + 1), *b = malloc(size + 1);
	size_t na, nb;

	if (a == NULL || b == NULL)
		goto out;
	memcpy(a, data, size);
	a[size] = '\0';
	memcpy(b, a, size + 1);
	na = json_compact(a);
	nb = json_compact_reference(b);
	if (na != nb || strcmp(a, b) != 0 || strlen(a) != na) {
		fprintf(stderr, "fuzz_jsontext: json_compact differs from the definition\n");
		abort();
	}
out:
	free(a);
	free(b);
	return 0;
}
