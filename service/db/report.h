/* The statements of the traceability report (migrations/functions/20_report.sql). */
#ifndef DB_REPORT_H
#define DB_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "db/pool.h"

/* (plan, staff): the report's parts, (kind, part) in order: 'plan', each 'row', 'totals'. */
extern struct db_stmt db_report_parts;
/* (plan, staff): the report's rows as CSV records in Spanish, with their ETag. */
extern struct db_stmt db_report_csv;
/* (plan, staff): {report, rows}, what the workbook is written from, with its ETag. */
extern struct db_stmt db_report_xlsx;
/* (plan, staff): the report's JSON, what the PDF is drawn from, with the PDF's ETag. */
extern struct db_stmt db_report_pdf;

/* The report of plan_id as JSON into r->body (owned; no ETag), written from its parts;
 * r->err DB_NOT_FOUND when the plan is absent or not visible to staff/the public. */
void db_report(int64_t plan_id, bool staff, struct db_reply *r);

#endif
