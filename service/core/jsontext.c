/* One pass, no allocation: bytes inside strings are copied as they are (escapes
 * included), white space elsewhere is dropped. */
#include "core/jsontext.h"

#include <stdbool.h>

size_t
json_compact(char *s)
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
