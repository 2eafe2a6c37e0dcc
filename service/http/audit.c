/* /api/v1/audit: every change, newest first, for the administradora. */
#include <stdint.h>

#include "db/audit.h"
#include "http/router.h"

static const char *const audit_entities[] = {"plan", "axis", "observation", "agreement",
                                             "unit", "activity", "progress_update", "user",
                                             NULL};

/* GET /api/v1/audit?entity=&entity_id=: a keyset page; the cursor is the last id seen. */
static void
audit_list(struct call *c)
{
	struct db_reply r;
	const char *entity;
	int64_t entity_id, limit, after;
	char s_id[24];

	if (!authorize(c, ACT_AUDIT_READ) || !query_choice(c, "entity", audit_entities, &entity) ||
	    !query_int(c, "entity_id", 1, 9007199254740991LL, 0, &entity_id) ||
	    !query_page(c, &limit, &after))
		return;
	db_audit_list(entity, entity_id ? db_int(s_id, entity_id) : NULL,
	              after ? after : INT64_MAX, limit, &r);
	reply_db_list(c, &r);
}

const struct route audit_routes[] = {
	{"GET", "/api/v1/audit", audit_list},
	ROUTES_END,
};
