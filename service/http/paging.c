/* List pages: {"items": [...], "next_cursor": …}. The database returns the items and the
 * key of the last one when another page follows; the cursor wraps that key and names the
 * list (core/cursor.h), so one list's cursor is refused by another. */
#include "http/call.h"

#include <stdlib.h>

#include "core/buf.h"
#include "core/cursor.h"
#include "core/jsontext.h"
#include "http/route.h"

void
reply_db_list(struct call *c, struct db_reply *r, enum reason_id missing)
{
	struct buf b = BUF_INIT;
	char cur[CURSOR_MAX];

	if (r->err != DB_OK || r->body == NULL) {
		reply_db_error(c, r, missing);
		return;
	}
	buf_puts(&b, "{\"items\":");
	buf_add(&b, r->body, json_compact(r->body));
	if (r->etag) {
		cursor_encode(cursor_list(c->route->pattern), strtoll(r->etag, NULL, 10), cur);
		buf_printf(&b, ",\"next_cursor\":\"%s\"}", cur);
	} else {
		buf_puts(&b, ",\"next_cursor\":null}");
	}
	db_reply_free(r);
	if (b.oom) {
		buf_free(&b);
		reply_reason(c, R_internal_error);
		return;
	}
	reply_take(c, 200, "application/json", b.data, b.len);
}
