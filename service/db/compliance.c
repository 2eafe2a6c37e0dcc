/* Compliance counts: one statement, one row per group (the plan, its axes, its units). */
#include "db/compliance.h"

#include "core/limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Without as_of, the administration's today() (migrations/functions/00_common.sql): the
 * database's day, the one the activities' overdue flags use too, and the activities as
 * they are (the running counts); with it, as they stood at the end of that day (their
 * progress history). Two statements, each with its path fixed by a constant: with the
 * path a parameter, PostgreSQL found every custom plan (the other path pruned) cheaper
 * than the generic one and planned the inlined function anew on each call, ~20 ms of the
 * large plan's ~27. */
#define COMPLIANCE_COLUMNS                                                                \
	"SELECT kind, id, number, name, activities, done, in_progress, pending, cancelled, " \
	"not_done, overdue, progress_sum, answered_late, unanswered_overdue, "              \
	"to_char(d.as_of, 'YYYY-MM-DD') "
DB_STMT(db_compliance_now,
        COMPLIANCE_COLUMNS "FROM (SELECT today() AS as_of) d, "
        "plan_compliance_counts($1::bigint, $2::boolean, d.as_of, false)");
DB_STMT(db_compliance_as_of,
        COMPLIANCE_COLUMNS "FROM (SELECT $3::date AS as_of) d, "
        "plan_compliance_counts($1::bigint, $2::boolean, d.as_of, true)");

static int64_t
col(const PGresult *res, int row, int c)
{
	return strtoll(PQgetvalue(res, row, c), NULL, 10);
}

void
db_compliance(bool staff, int64_t plan_id, const char *as_of,
              struct compliance_report *out, struct db_reply *r)
{
	char s_id[INT_TEXT_MAX];
	const char *v[] = {db_int(s_id, plan_id), db_bool(staff), as_of};
	PGresult *res;
	int rows;

	memset(out, 0, sizeof *out);
	out->plan_id = plan_id;
	snprintf(out->as_of, sizeof out->as_of, "%s", as_of ? as_of : "");
	res = as_of ? db_rows(&db_compliance_as_of, 3, v, r) : db_rows(&db_compliance_now, 2, v, r);
	if (res == NULL)
		return;
	rows = PQntuples(res);
	if (rows == 0) {
		r->err = DB_NOT_FOUND;
		snprintf(r->reason, sizeof r->reason, "plan_not_found");
	}
	if (rows > 0)
		snprintf(out->as_of, sizeof out->as_of, "%s", PQgetvalue(res, 0, 14));
	for (int i = 0; i < rows && r->err == DB_OK; i++) {
		const char *kind = PQgetvalue(res, i, 0);
		struct compliance_counts n = {
			.activities = col(res, i, 4), .done = col(res, i, 5),
			.in_progress = col(res, i, 6), .pending = col(res, i, 7),
			.cancelled = col(res, i, 8), .not_done = col(res, i, 9),
			.overdue = col(res, i, 10), .progress_sum = col(res, i, 11),
			.answered_late = col(res, i, 12), .unanswered_overdue = col(res, i, 13),
		};

		if (strcmp(kind, "total") == 0)
			out->totals = n;
		else if (!compliance_add_group(out, strcmp(kind, "axis") == 0, col(res, i, 1),
		                               col(res, i, 2), PQgetvalue(res, i, 3), &n))
			r->err = DB_ERROR;
	}
	PQclear(res);
}
