/* /api/v1/plans/{id}/report: the "Incorporación de aportes ciudadanos" report of a plan,
 * what became of each observation and contribution, as JSON, or as a CSV or Excel
 * download. The plan's visibility applies, and the public sees only reviewed
 * observations. */
#include <stdio.h>
#include <stdlib.h>

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

/* The report as an Excel workbook (core/report_xlsx.c). */
static void
report_workbook(struct call *c)
{
	char plan[INT_TEXT_MAX], disposition[96];
	struct db_reply r;
	json_t *doc;
	char *data;
	size_t len;

	db_call(&db_report_xlsx, 2, (const char *[]){db_int(plan, c->id), db_bool(c->actor.staff)},
	        &r);
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
	data = doc ? report_xlsx(doc, &len) : NULL;
	json_decref(doc);
	if (data == NULL) {
		reply_reason(c, R_internal_error);
		return;
	}
	snprintf(disposition, sizeof disposition,
	         "attachment; filename=\"aportes-ciudadanos-plan-%lld.xlsx\"", (long long)c->id);
	reply_take(c, 200, XLSX, data, len);
	reply_header(c, "Content-Disposition", disposition);
}

/* JSON (the route's statement), CSV or XLSX, as Accept prefers; 406 for anything else. */
static void
report_get(struct call *c)
{
	static const char *const media[] = {"application/json", "text/csv", XLSX};

	reply_header(c, "Vary", "Accept");
	switch (accept_media(header(c, "Accept"), media, 3)) {
	case 0:
		route_call(c);
		break;
	case 1:
		report_csv(c);
		break;
	case 2:
		report_workbook(c);
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
