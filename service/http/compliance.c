/* /api/v1/plans/{id}/compliance: the plan's compliance figures as of a day. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/compliance.h"
#include "db/compliance.h"
#include "http/router.h"

static const struct field compliance_query[] = {
	{"as_of", F_ANY, 0, 0, 0, NULL},   /* YYYY-MM-DD, checked by compliance_date_ok */
	{NULL, F_ANY, 0, 0, 0, NULL},
};

/* GET /api/v1/plans/{id}/compliance?as_of=YYYY-MM-DD: totals, by axis and by unit. The
 * database counts, core/compliance computes the percentages and writes the JSON. */
static void
compliance_get(struct call *c)
{
	struct compliance_report rep;
	struct db_reply r;
	unsigned char hash[16];
	char etag[2 * sizeof hash + 1];
	const char *as_of = c->q[0];   /* NULL: the administration's today, in the database */

	if (as_of && !compliance_date_ok(as_of)) {
		reply_reason_about(c, R_invalid_parameter, "as_of");
		return;
	}
	db_compliance(c->actor.staff, c->id, as_of, &rep, &r);
	if (r.err != DB_OK) {
		compliance_report_free(&rep);
		reply_db_error(c, &r, R_plan_not_found);
		return;
	}
	r.body = compliance_render(&rep);
	compliance_report_free(&rep);
	if (r.body == NULL) {
		reply_reason(c, R_internal_error);
		return;
	}
	crypto_generichash(hash, sizeof hash, (const unsigned char *)r.body, strlen(r.body),
	                   NULL, 0);
	sodium_bin2hex(etag, sizeof etag, hash, sizeof hash);
	r.etag = strdup(etag);
	reply_db(c, 200, &r, R_plan_not_found);
}

const struct route compliance_routes[] = {
	{.method = "GET", .pattern = "/api/v1/plans/:id/compliance", .action = ACT_READ,
	 .query = compliance_query, .handler = compliance_get},
	ROUTES_END,
};
