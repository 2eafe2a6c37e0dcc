/* One pass, no allocation: bytes inside strings are copied as they are (escapes
 * included), white space elsewhere is dropped. A string is crossed with memchr to its
 * closing quote and moved in one memmove: measured on a page of 50 activities as
 * PostgreSQL renders it (24 KB), 15 µs against 40 µs byte by byte (strcspn per run was
 * slower still, 80 µs: the runs outside strings are a few bytes long). */
#include "core/jsontext.h"

#include <string.h>

size_t
json_compact(char *s)
{
	char *w = s, *r = s, *end = s + strlen(s);

	for (;;) {
		char *start, *q, *b;
		unsigned char ch;

		while ((ch = (unsigned char)*r) != '"') {
			if (ch == '\0')
				goto out;
			r++;
			if (ch != ' ' && ch != '\n' && ch != '\r' && ch != '\t')
				*w++ = (char)ch;
		}
		/* A string ends at the first quote after an even number of backslashes; an
		 * unterminated one is kept to the end. The opening quote stops the look-back. */
		start = r++;
		for (;;) {
			q = memchr(r, '"', (size_t)(end - r));
			if (q == NULL) {
				r = end;
				break;
			}
			for (b = q; b[-1] == '\\'; b--)
				;
			r = q + 1;
			if ((q - b) % 2 == 0)
				break;
		}
		memmove(w, start, (size_t)(r - start));
		w += r - start;
	}
out:
	*w = '\0';
	return (size_t)(w - s);
}
