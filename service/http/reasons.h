/* The one catalogue of reasons (http/reasons.def): a problem document is always one of
 * these, with its status, code and detail. */
#ifndef HTTP_REASONS_H
#define HTTP_REASONS_H

enum reason_id {
#define REASON(name, status, code, es, en) R_##name,
#include "http/reasons.def"
#undef REASON
	R_COUNT
};

struct reason {
	const char *name;   /* the problem's "reason" */
	int status;
	const char *code;   /* the problem's "code" (and type) */
	const char *es;     /* the detail; may hold one %s (reply_reason_about) */
	const char *en;
};

extern const struct reason reasons[R_COUNT];

/* The entry named name, or NULL when the catalogue has none. */
const struct reason *reason_find(const char *name);
/* The entry for what the database gave: a raised reason, or a constraint it broke mapped by
 * http/constraints.def; NULL when the catalogue has none. */
const struct reason *reason_from_db(const char *name);
/* The HTTP reason phrase used as a problem's title. */
const char *reason_title(int status);

#endif
