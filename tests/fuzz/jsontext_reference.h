/* The byte-at-a-time definition of json_compact (service/core/jsontext.c): white space
 * outside strings dropped, strings (escapes included) kept whole, an unterminated one to
 * the end. The oracle of the unit test and of the fuzz target. */
#ifndef TESTS_JSONTEXT_REFERENCE_H
#define TESTS_JSONTEXT_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>

static size_t
json_compact_reference(char *s)
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

#endif
