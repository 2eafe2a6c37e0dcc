/* What the service counts as text: valid UTF-8, its characters, and its blanks. */
#include "core/text.h"

#include <stdint.h>
#include <string.h>

/* The blanks: Unicode's White_Space characters, and the zero-width space and no-break
 * space that show nothing either. trim_blanks() in migrations/functions/00_common.sql
 * trims exactly these (tests/security/text.test.mjs compares the two lists), so a
 * length the validation accepted fits the table's CHECKs (issue 17). */
static const uint32_t blanks[] = {
	0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
	0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x200B, 0x2028, 0x2029, 0x202F,
	0x205F, 0x3000, 0xFEFF,
};

/* Characters that reorder the text shown around them (the "Trojan Source" marks): the
 * embeddings, overrides and isolates, the directional marks and the Arabic letter mark. */
static bool
is_bidi_control(uint32_t cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

static bool
is_blank(uint32_t cp)
{
	for (size_t i = 0; i < sizeof blanks / sizeof blanks[0]; i++)
		if (blanks[i] == cp)
			return true;
	return false;
}

/* The code point at p (before end) into *cp; its length, or 0 if not valid UTF-8. */
static size_t
decode(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
	size_t len = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3
	           : (*p & 0xF8) == 0xF0 ? 4 : 0;

	if (len == 0 || (size_t)(end - p) < len)
		return 0;
	*cp = len == 1 ? *p : (uint32_t)(*p & (0x7F >> len));
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (p[i] & 0x3F);
	}
	return len;
}

size_t
utf8_trimmed_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	size_t n = 0, len;
	uint32_t cp;

	while (p < end && (len = decode(p, end, &cp)) > 0 && is_blank(cp))
		p += len;
	while (end > p) {
		const unsigned char *q = end - 1;

		while (q > p && (*q & 0xC0) == 0x80)
			q--;
		if (decode(q, end, &cp) != (size_t)(end - q) || !is_blank(cp))
			break;
		end = q;
	}
	for (; p < end; p++)
		if ((*p & 0xC0) != 0x80)
			n++;
	return n;
}

bool
utf8_has_bidi_control(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	uint32_t cp;

	while (p < end) {
		size_t len = decode(p, end, &cp);

		if (len == 0)
			return false;   /* not UTF-8: utf8_text_ok says so */
		if (is_bidi_control(cp))
			return true;
		p += len;
	}
	return false;
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
