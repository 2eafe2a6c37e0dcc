/* The raw compliance counts of a plan, read in one query (plan_compliance_counts, migrations/functions). */
#ifndef DB_COMPLIANCE_H
#define DB_COMPLIANCE_H

#include "core/compliance.h"
#include "db/pool.h"

/* Fills out (zeroed first; free with compliance_report_free) with the counts of plan_id as
 * of as_of (YYYY-MM-DD; NULL: the administration's today, which out->as_of then holds),
 * visible to staff only when staff. r->err says how it went (DB_NOT_FOUND when the plan
 * is absent or not visible); r carries no body. */
void db_compliance(bool staff, int64_t plan_id, const char *as_of,
                   struct compliance_report *out, struct db_reply *r);

#endif
