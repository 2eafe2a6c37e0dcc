/* What the service counts as text: valid UTF-8, its characters, and its blanks. Pure. */
#ifndef CORE_TEXT_H
#define CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Number of UTF-8 characters in s once leading and trailing blanks (Unicode white space,
 * U+200B and U+FEFF; SQL's trim_blanks trims the same) are ignored. */
size_t utf8_trimmed_len(const char *s);
/* True if s is valid UTF-8 with no control characters other than tab, CR, LF. */
bool utf8_text_ok(const char *s, size_t n);
/* True if s holds a bidirectional control character (U+061C, U+200E, U+200F,
 * U+202A–U+202E, U+2066–U+2069). */
bool utf8_has_bidi_control(const char *s, size_t n);
/* True if s is valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF). */
bool utf8_valid(const char *s, size_t n);

#endif
