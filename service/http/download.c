/* Downloads for spreadsheets: a statement's rows (a JSON array of arrays) written as one
 * CSV file with its header row. Shared by the schedule and the report, so both keep the
 * same byte order mark, quoting and formula guard (core/csv.c). */
#include <stdio.h>

#include "core/buf.h"
#include "core/csv.h"
#include "http/call.h"

void
reply_csv(struct call *c, struct db_reply *r, const char *const *head, size_t n,
          const char *filename, enum reason_id missing)
{
	char disposition[160];
	struct buf b = BUF_INIT;
	json_t *rows;
	bool ok;

	if (r->err != DB_OK) {
		reply_db_error(c, r, missing);
		return;
	}
	if (r->etag && reply_not_modified(c, r->etag)) {
		db_reply_free(r);
		return;
	}
	rows = json_loads(r->body, 0, NULL);
	db_reply_free(r);
	csv_bom(&b);
	csv_row(&b, head, n);
	ok = rows && csv_rows_json(&b, rows) && !b.oom;
	json_decref(rows);
	if (!ok) {
		buf_free(&b);
		reply_reason(c, R_internal_error);
		return;
	}
	snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", filename);
	reply_take(c, 200, "text/csv; charset=utf-8", b.data, b.len);
	reply_header(c, "Content-Disposition", disposition);
}
