/* The traceability report: the JSON written from its parts, the other formats one
 * statement each, a call to its SQL function. */
#include "db/report.h"

#include "core/buf.h"
#include "core/limits.h"

#include <string.h>

DB_STMT(db_report_parts, "SELECT kind, part::text FROM plan_report_parts($1::bigint, $2::boolean)");
DB_STMT(db_report_csv, "SELECT r::text, md5(r::text) "
                       "FROM plan_report_csv(plan_report($1::bigint, $2::boolean)) r");
DB_STMT(db_report_xlsx, "SELECT d::text, md5('xlsx' || d::text) "
                        "FROM plan_report($1::bigint, $2::boolean) r "
                        "CROSS JOIN LATERAL json_build_object('report', r, "
                        "                                     'rows', plan_report_csv(r)) d "
                        "WHERE r IS NOT NULL");
DB_STMT(db_report_pdf, "SELECT r::text, md5('pdf' || r::text) "
                       "FROM plan_report($1::bigint, $2::boolean) r WHERE r IS NOT NULL");

/* {"plan":P,"rows":[R,…],"totals":T} from res's parts: (kind, part) rows, 'plan' first,
 * the 'row's in order, 'totals' last. */
static void
write_report(const PGresult *res, struct buf *b)
{
	int n = PQntuples(res);

	buf_puts(b, "{\"plan\":");
	buf_add(b, PQgetvalue(res, 0, 1), (size_t)PQgetlength(res, 0, 1));
	buf_puts(b, ",\"rows\":[");
	for (int i = 1; i < n - 1; i++) {
		if (i > 1)
			buf_putc(b, ',');
		buf_add(b, PQgetvalue(res, i, 1), (size_t)PQgetlength(res, i, 1));
	}
	buf_puts(b, "],\"totals\":");
	buf_add(b, PQgetvalue(res, n - 1, 1), (size_t)PQgetlength(res, n - 1, 1));
	buf_putc(b, '}');
}

void
db_report(int64_t plan_id, bool staff, struct db_reply *r)
{
	char s_id[INT_TEXT_MAX];
	const char *v[] = {db_int(s_id, plan_id), db_bool(staff)};
	struct buf b = BUF_INIT;
	PGresult *res = db_rows(&db_report_parts, 2, v, r);
	int n;

	if (res == NULL)
		return;
	n = PQntuples(res);
	if (n == 0) {
		r->err = DB_NOT_FOUND;
	} else if (n < 2 || strcmp(PQgetvalue(res, 0, 0), "plan") != 0 ||
	           strcmp(PQgetvalue(res, n - 1, 0), "totals") != 0) {
		r->err = DB_ERROR;   /* not the parts plan_report_parts gives */
	} else {
		write_report(res, &b);
		if (b.oom)
			r->err = DB_ERROR;
		else
			r->body = buf_take(&b);
	}
	buf_free(&b);
	PQclear(res);
}
