/* Content negotiation (RFC 9110 §12.5): which of the media types, languages and encodings
 * the service speaks a client's Accept, Accept-Language and Accept-Encoding headers
 * prefer. Pure. */
#ifndef CORE_ACCEPT_H
#define CORE_ACCEPT_H

#include <stdbool.h>
#include <stddef.h>

enum lang { LANG_ES, LANG_EN };

/* A qvalue ("0", "0.5", "1.000") of n bytes as 0-1000, or -1 when malformed. */
int accept_qvalue(const char *v, size_t n);

/* The index in types (n entries, "type/subtype") that the Accept header prefers: the most
 * specific range naming each gives its weight; earlier entries win ties, and the first
 * answers when the header is absent or blank. -1 when it accepts none of them. */
int accept_media(const char *accept, const char *const *types, int n);

/* The language to answer in: English when Accept-Language prefers it (by q-value) to
 * Spanish, else Spanish, the default. */
enum lang accept_language(const char *accept_language);

/* True when Accept-Encoding takes gzip: named, or covered by "*", with a q-value above 0. */
bool accept_gzip(const char *accept_encoding);

#endif
