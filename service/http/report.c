/* /api/v1/plans/{id}/report: the "Incorporación de aportes ciudadanos" report of a plan,
 * what became of each observation and contribution, as JSON, as a CSV or Excel
 * download, or as a printable PDF. The plan's visibility applies, and the public sees only reviewed
 * observations. */
#include <stdio.h>
#include <stdlib.h>

#include "core/report_pdf.h"
#include "core/report_xlsx.h"
#include "db/report.h"
#include "http/router.h"

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

/* A file rendered in C from what a statement returns (with its ETag). */
struct rendering {
	struct db_stmt *stmt;
	char *(*render)(const json_t *doc, size_t *len);
	const char *type;
	const char *disposition;   /* its format: the plan's id, e.g. "inline; …-%lld.pdf" */
};
static const struct rendering workbook = {
	&db_report_xlsx, report_xlsx, XLSX,
	"attachment; filename=\"aportes-ciudadanos-plan-%lld.xlsx\""};
static const struct rendering printable = {
	&db_report_pdf, report_pdf, "application/pdf",
	"inline; filename=\"aportes-ciudadanos-plan-%lld.pdf\""};

/* The report as a workbook (core/report_xlsx.c) or a PDF (core/report_pdf.c). */
static void
report_file(struct call *c, const struct rendering *how)
{
	char plan[INT_TEXT_MAX], disposition[96];
	struct db_reply r;
	json_t *doc;
	char *data;
	size_t len;

	db_call(how->stmt, 2, (const char *[]){db_int(plan, c->id), db_bool(c->actor.staff)}, &r);
	if (r.err != DB_OK) {
		reply_db_error(c, &r, R_plan_not_found);
		return;
	}
	if (r.etag && reply_not_modified(c, r.etag)) {
		db_reply_free(&r);
		return;
	}
	doc = json_loads(r.body, 0, NULL);
	db_reply_free(&r);
	data = doc ? how->render(doc, &len) : NULL;
	json_decref(doc);
	if (data == NULL) {
		reply_reason(c, R_internal_error);
		return;
	}
	snprintf(disposition, sizeof disposition, how->disposition, (long long)c->id);
	reply_take(c, 200, how->type, data, len);
	reply_header(c, "Content-Disposition", disposition);
}

/* JSON (the route's statement), CSV, XLSX or PDF, as Accept prefers; 406 for anything
 * else. */
static void
report_get(struct call *c)
{
	static const char *const media[] = {"application/json", "text/csv", XLSX, "application/pdf"};

	reply_header(c, "Vary", "Accept");
	switch (accept_media(header(c, "Accept"), media, 4)) {
	case 0:
		route_call(c);
		break;
	case 1:
		report_csv(c);
		break;
	case 2:
		report_file(c, &workbook);
		break;
	case 3:
		report_file(c, &printable);
		break;
	default:
		reply_reason(c, R_not_acceptable);
		break;
	}
}

const struct route report_routes[] = {
	{.method = "GET", .pattern = "/api/v1/plans/:id/report", .action = ACT_READ,
	 .handler = report_get, .stmt = &db_report, .args = {A_ID, A_STAFF},
	 .answer = ANSWER_ONE, .missing = R_plan_not_found},
	ROUTES_END,
};
