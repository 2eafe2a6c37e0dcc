/* /api/v1/plans/{id}/report: the "Incorporación de aportes ciudadanos" report of a plan,
 * what became of each observation and contribution, as JSON, as a CSV or Excel download,
 * or as a printable PDF. The plan's visibility applies, and the public sees only reviewed
 * observations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/report_pdf.h"
#include "core/report_xlsx.h"
#include "db/report.h"
#include "http/router.h"

/* The report as JSON, written from its parts (db_report), with its ETag. */
static void
report_json(struct call *c)
{
	struct db_reply r;
	char etag[33];

	db_report(c->id, c->actor.staff, &r);
	if (r.err == DB_OK) {
		etag_of("", r.body, strlen(r.body), etag);
		r.etag = strdup(etag);
	}
	reply_db(c, 200, &r, R_plan_not_found);
}

/* The report as CSV: one record per row of the JSON, headers in Spanish. */
static void
report_csv(struct call *c)
{
	static const char *const head[] = {"eje", "tipo", "número", "texto", "estado",
	                                   "respuesta", "incorporado", "acuerdos", "actividades",
	                                   "avance", "medios de verificación"};
	char plan[INT_TEXT_MAX], filename[64];
	struct db_reply r;

	db_call(&db_report_csv, 2, (const char *[]){db_int(plan, c->id), db_bool(c->actor.staff)},
	        &r);
	snprintf(filename, sizeof filename, "aportes-ciudadanos-plan-%lld.csv", (long long)c->id);
	reply_csv(c, &r, head, sizeof head / sizeof head[0], filename, R_plan_not_found);
}

#define XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

static const struct rendering workbook = {
	&db_report_xlsx, report_xlsx, XLSX, "attachment", "aportes-ciudadanos-plan", "xlsx"};
static const struct rendering printable = {
	&db_report_pdf, report_pdf, "application/pdf", "inline", "aportes-ciudadanos-plan", "pdf"};

/* JSON, CSV, XLSX or PDF, as Accept prefers; 406 for anything else. */
static void
report_get(struct call *c)
{
	static const struct media_choice media[] = {
		{"application/json", report_json, NULL},
		{"text/csv", report_csv, NULL},
		{XLSX, NULL, &workbook},
		{"application/pdf", NULL, &printable},
	};

	reply_negotiated(c, media, 4);
}

const struct route report_routes[] = {
	/* The statement and its arguments say what the answers depend on (the plan and
	 * whether the caller is staff: a citizen reads the public's, from the cache). */
	{.method = "GET", .pattern = "/api/v1/plans/:id/report", .action = ACT_READ,
	 .handler = report_get, .stmt = &db_report_parts, .args = {A_ID, A_STAFF},
	 .answer = ANSWER_ONE, .missing = R_plan_not_found},
	ROUTES_END,
};
