/* libFuzzer target for service/core/jsontext.c: json_compact, which skips through
 * strings with memchr and a look-back over backslashes, must agree byte for byte with
 * the plain definition (white space outside strings dropped, strings kept whole) on
 * any input, and never read or write outside the string (ASan). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsontext.h"

static size_t
reference(char *s)
{
	char *w = s;
	bool in_string = false, escaped = false;

	for (const char *r = s; *r; r++) {
		char ch = *r;

		if (in_string) {
			*w++ = ch;
			if (escaped)
				escaped = false;
			else if (ch == '\\')
				escaped = true;
			else if (ch == '"')
				in_string = false;
		} else if (ch == '"') {
			in_string = true;
			*w++ = ch;
		} else if (ch != ' ' && ch != '\n' && ch != '\r' && ch != '\t') {
			*w++ = ch;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

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
	nb = reference(b);
	if (na != nb || strcmp(a, b) != 0 || strlen(a) != na) {
		fprintf(stderr, "fuzz_jsontext: json_compact differs from the definition\n");
		abort();
	}
out:
	free(a);
	free(b);
	return 0;
}
