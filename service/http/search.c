/* /api/v1/search: Spanish full-text search across the plans the caller may see. */
#include <string.h>

#include "db/search.h"
#include "http/router.h"

#define Q_MAX 200     /* characters of q: a search, not a document */

static const struct field search_query[] = {
	{"q", F_ANY, 0, 0, 0, NULL},           /* checked by search_check */
	{"plan_id", F_INT, 0, 1, ID_MAX, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

/* q is required: text of 1 to Q_MAX characters, not only blanks (400 invalid_parameter
 * naming q otherwise; query_read has already refused a q that is not UTF-8). */
static bool
search_check(struct call *c)
{
	const char *q = c->q[0];
	size_t chars = 0;
	bool blank = true;

	for (const char *p = q; p && *p; p++) {
		if ((*p & 0xC0) != 0x80)
			chars++;
		if (!strchr(" \t\r\n", *p))
			blank = false;
	}
	if (q == NULL || blank || chars > Q_MAX) {
		reply_reason_about(c, R_invalid_parameter, "q");
		return false;
	}
	return true;
}

const struct route search_routes[] = {
	/* ?q=&plan_id=: observations, agreements and activities, best match first. */
	{.method = "GET", .pattern = "/api/v1/search", .action = ACT_READ,
	 .query = search_query, .paged = true, .check = search_check, .stmt = &db_search,
	 .args = {A_SUB, A_ROLE, A_STAFF, A_Q0, A_Q1, A_AFTER, A_LIMIT},
	 .answer = ANSWER_LIST},
	ROUTES_END,
};
