/* The statements of the traceability report (migrations/functions/20_report.sql). */
#ifndef DB_REPORT_H
#define DB_REPORT_H

#include "db/pool.h"

/* (plan, staff): the report of a visible plan as JSON, with its ETag. */
extern struct db_stmt db_report;
/* (plan, staff): the report's rows as CSV records in Spanish, with their ETag. */
extern struct db_stmt db_report_csv;
/* (plan, staff): {report, rows}, what the workbook is written from, with its ETag. */
extern struct db_stmt db_report_xlsx;
/* (plan, staff): the report's JSON, what the PDF is drawn from, with the PDF's ETag. */
extern struct db_stmt db_report_pdf;

#endif
