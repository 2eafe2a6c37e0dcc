/* The traceability report: one statement per format, each a call to its SQL function. */
#include "db/report.h"

DB_STMT(db_report, DB_WITH_ETAG("plan_report($1::bigint, $2::boolean)"));
DB_STMT(db_report_csv, "SELECT r::text, md5(r::text) "
                       "FROM plan_report_csv(plan_report($1::bigint, $2::boolean)) r");
