/* Which cached public answers a committed change can affect: the notification the audit
 * triggers send at commit (migrations/functions/01_audit.sql, audit_notify), what each
 * public answer shows, and the one rule between them. Pure, so the rule is unit-tested. */
#ifndef CORE_CHANGE_H
#define CORE_CHANGE_H

#include <stdbool.h>
#include <stdint.h>

#define SHOWS_NO_PLAN 0
#define SHOWS_EVERY_PLAN (-1)

/* What a public answer shows. */
struct shows {
	int64_t plan;  /* its plan's id, SHOWS_EVERY_PLAN (lists of plans, and answers whose
	                * plan the path does not name) or SHOWS_NO_PLAN (units) */
	bool units;    /* unit names (activities, compliance, the document, the units) */
};

enum change_scope { CHANGE_PLAN, CHANGE_UNITS, CHANGE_ALL };

/* What a committed change touched. */
struct change {
	enum change_scope scope;
	int64_t plan;  /* CHANGE_PLAN: the plan the changed row belongs to */
	bool public;   /* an anonymous reader could see the row, before or after the change */
};

/* Reads a notification payload "SCOPE ID AUDIENCE" ("plan 12 public", "units 0 public",
 * "plan 7 staff"). An unknown scope is a change of everything, an audience other than
 * "staff" is public: a payload it cannot read (an older release's) retires everything. */
struct change change_parse(const char *payload);
/* What the public answer of the route pattern, with the path's first id, shows. */
struct shows change_shows(const char *pattern, int64_t id);
/* True if the change can alter the public answer that shows s (the rule: change.c). */
bool change_retires(const struct change *ch, const struct shows *s);

#endif
