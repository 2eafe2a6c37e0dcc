/* The traceability report: one statement per format, each a call to its SQL function. */
#include "db/report.h"

DB_STMT(db_report, DB_READ_ETAG("plan_report($1::bigint, $2::boolean)"));
DB_STMT(db_report_csv, "SELECT r::text, md5(r::text) "
                       "FROM plan_report_csv(plan_report($1::bigint, $2::boolean)) r");
DB_STMT(db_report_xlsx, "SELECT d::text, md5('xlsx' || d::text) "
                        "FROM plan_report($1::bigint, $2::boolean) r "
                        "CROSS JOIN LATERAL json_build_object('report', r, "
                        "                                     'rows', plan_report_csv(r)) d "
                        "WHERE r IS NOT NULL");
DB_STMT(db_report_pdf, "SELECT r::text, md5('pdf' || r::text) "
                       "FROM plan_report($1::bigint, $2::boolean) r WHERE r IS NOT NULL");
