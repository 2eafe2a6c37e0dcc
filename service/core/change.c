/* The invalidation rule of the public response cache (http/cache.c), and what it reads. */
#include "core/change.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct change
change_parse(const char *payload)
{
	struct change ch = {.scope = CHANGE_ALL, .plan = 0, .public = true};
	const char *p = payload ? payload : "";
	const char *sp = strchr(p, ' ');
	const char *aud;
	char *end;
	long long id;

	if (sp == NULL)
		return ch;
	errno = 0;
	id = strtoll(sp + 1, &end, 10);
	if (errno != 0 || end == sp + 1 || *end != ' ')
		return ch;
	aud = end + 1;
	ch.public = strcmp(aud, "staff") != 0;
	if ((size_t)(sp - p) == 4 && strncmp(p, "plan", 4) == 0 && id > 0) {
		ch.scope = CHANGE_PLAN;
		ch.plan = id;
	} else if ((size_t)(sp - p) == 5 && strncmp(p, "units", 5) == 0) {
		ch.scope = CHANGE_UNITS;
	}
	return ch;
}

/* What each public answer shows, by route. A route missing here shows "everything":
 * every public change retires it (an axis, an activity, an observation by its own id:
 * the path does not name their plan). */
static const struct {
	const char *pattern;
	bool of_the_plan;  /* shows the plan of the path's id, else no plan */
	bool units;
} answers[] = {
	{"/api/v1/plans/:id", true, false},             /* the plan and its axes' names */
	{"/api/v1/plans/:id/axes", true, false},
	{"/api/v1/plans/:id/activities", true, true},   /* JSON or CSV, with unit names */
	{"/api/v1/plans/:id/document", true, true},
	{"/api/v1/plans/:id/compliance", true, true},   /* per unit too */
	{"/api/v1/plans/:id/report", true, true},       /* the linked activities' units */
	/* The units lists are not here: which units the public sees follows the plans'
	 * status too (a draft's units show once it is approved), so every change retires
	 * them. */
};

struct shows
change_shows(const char *pattern, int64_t id)
{
	for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++)
		if (strcmp(pattern, answers[i].pattern) == 0)
			return (struct shows){.plan = answers[i].of_the_plan ? id : SHOWS_NO_PLAN,
			                      .units = answers[i].units};
	return (struct shows){.plan = SHOWS_EVERY_PLAN, .units = true};
}

/* The rule, decided here only: a change retires a cached answer when the public could
 * see the change and the answer shows what changed: the change's plan (answers of one
 * plan, or of every plan), or the units' names, which every plan's activities share. A
 * change whose plan could not be told is a change of everything. When in doubt, retire:
 * a needless retirement costs one rendering, a missed one a stale answer. */
bool
change_retires(const struct change *ch, const struct shows *s)
{
	if (!ch->public)
		return false;  /* e.g. a received observation, or anything in a draft plan */
	switch (ch->scope) {
	case CHANGE_PLAN:
		return s->plan == SHOWS_EVERY_PLAN || s->plan == ch->plan;
	case CHANGE_UNITS:
		return s->units;
	case CHANGE_ALL:
		break;
	}
	return true;
}
