/* /api/v1/plans/{id}/compliance: the plan's compliance figures as of a day, as JSON or
 * as a printable PDF. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/compliance.h"
#include "core/compliance_pdf.h"
#include "db/compliance.h"
#include "http/router.h"

static const struct field compliance_query[] = {
	{"as_of", F_ANY, 0, 0, 0, NULL},   /* YYYY-MM-DD, checked by compliance_date_ok */
	{NULL, F_ANY, 0, 0, 0, NULL},
};

/* Answers the figures (JSON text, owned) as a PDF, with its ETag (304 on If-None-Match). */
static void
compliance_print(struct call *c, char *json, const char *etag)
{
	json_t *doc = json_loads(json, 0, NULL);
	char disposition[96], *data;
	size_t len;

	free(json);
	if (reply_not_modified(c, etag)) {
		json_decref(doc);
		return;
	}
	data = doc ? compliance_pdf(doc, &len) : NULL;
	json_decref(doc);
	if (data == NULL) {
		reply_reason(c, R_internal_error);
		return;
	}
	snprintf(disposition, sizeof disposition, "inline; filename=\"cumplimiento-plan-%lld.pdf\"",
	         (long long)c->id);
	reply_take(c, 200, "application/pdf", data, len);
	reply_header(c, "Content-Disposition", disposition);
}

/* GET /api/v1/plans/{id}/compliance?as_of=YYYY-MM-DD: totals, by axis and by unit. The
 * database counts, core/compliance computes the percentages and writes the JSON; with
 * Accept: application/pdf, core/compliance_pdf lays it out for print. */
static void
compliance_get(struct call *c)
{
	static const char *const media[] = {"application/json", "application/pdf"};
	struct compliance_report rep;
	struct db_reply r;
	char etag[33];
	const char *as_of = c->q[0];   /* NULL: the administration's today, in the database */
	int want;

	reply_header(c, "Vary", "Accept");
	want = accept_media(header(c, "Accept"), media, 2);
	if (want < 0) {
		reply_reason(c, R_not_acceptable);
		return;
	}
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
	/* Each representation its own ETag: the PDF's hashes "pdf" before the same JSON. */
	etag_of(want == 1 ? "pdf" : "", r.body, strlen(r.body), etag);
	if (want == 1) {
		compliance_print(c, r.body, etag);
		return;
	}
	r.etag = strdup(etag);
	reply_db(c, 200, &r, R_plan_not_found);
}

const struct route compliance_routes[] = {
	{.method = "GET", .pattern = "/api/v1/plans/:id/compliance", .action = ACT_READ,
	 .query = compliance_query, .handler = compliance_get},
	ROUTES_END,
};
