/* What the service counts as text: valid UTF-8, its characters, and its blanks. */
#include "core/text.h"

#include <stdint.h>
#include <string.h>

static bool
is_space(unsigned char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

size_t
utf8_trimmed_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end;
	size_t n = 0;

	while (*p && is_space(*p))
		p++;
	end = p + strlen((const char *)p);
	while (end > p && is_space(end[-1]))
		end--;
	for (; p < end; p++)
		if ((*p & 0xC0) != 0x80)
			n++;
	return n;
}

/* Valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF); with
 * text_only, also none of the control characters but tab, CR and LF. */
static bool
scan(const char *s, size_t n, bool text_only)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		unsigned char c = *p;
		uint32_t cp;
		int len;

		if (c < 0x80) {
			if (text_only &&
			    ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F))
				return false;
			p++;
			continue;
		}
		if ((c & 0xE0) == 0xC0) {
			len = 2;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (end - p < len)
			return false;
		for (int i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		p += len;
	}
	return true;
}

bool
utf8_text_ok(const char *s, size_t n)
{
	return scan(s, n, true);
}

bool
utf8_valid(const char *s, size_t n)
{
	return scan(s, n, false);
}
