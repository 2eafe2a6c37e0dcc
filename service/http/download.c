/* Downloads: a statement's rows (a JSON array of arrays) written as one CSV file with its
 * header row, shared by the schedule and the report so both keep the same byte order
 * mark, quoting and formula guard (core/csv.c); and files rendered in C (workbooks, PDFs)
 * from what a statement returns. */
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
	csv_head(&b, head, n);
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

void
reply_rendered(struct call *c, const struct rendering *how, enum reason_id missing)
{
	char id[INT_TEXT_MAX], disposition[128];
	struct db_reply r;
	json_t *doc;
	char *data;
	size_t len;

	db_call(how->stmt, 2, (const char *[]){db_int(id, c->id), db_bool(c->actor.staff)}, &r);
	if (r.err != DB_OK) {
		reply_db_error(c, &r, missing);
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
	snprintf(disposition, sizeof disposition, "%s; filename=\"%s-%lld.%s\"", how->disposition,
	         how->name, (long long)c->id, how->ext);
	reply_take(c, 200, how->type, data, len);
	reply_header(c, "Content-Disposition", disposition);
}
