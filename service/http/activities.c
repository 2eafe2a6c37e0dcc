/* /api/v1/plans/{id}/activities, /api/v1/axes/{id}/activities and /api/v1/activities/{id}:
 * the schedule of activities ("cronograma de cumplimiento"), as JSON pages or as one CSV
 * for spreadsheets. Reads follow the plan's visibility; the administrator changes the
 * structure while the plan is a draft (progress has its own resource). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/csv.h"
#include "db/activities.h"
#include "http/messages.h"
#include "http/router.h"

#define MAX_ID 9007199254740991LL /* the largest id a JSON client can hold exactly */

static const char *const statuses[] = {"pending", "in_progress", "done", "cancelled", NULL};
static const char *const booleans[] = {"true", "false", NULL};

static const struct field activity_create_fields[] = {
	{"description", F_STRING, F_REQUIRED, 1, 5000, NULL},
	{"due_month", F_INT, F_REQUIRED, 1, 12, NULL},
	{"unit_ids", F_INT_ARRAY, F_REQUIRED, 1, 50, NULL},
	{"agreement_id", F_INT, F_NULLABLE, 1, MAX_ID, NULL},
	{"number", F_INT, 0, 1, 10000, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};
static const struct field activity_patch_fields[] = {
	{"description", F_STRING, 0, 1, 5000, NULL},
	{"due_month", F_INT, 0, 1, 12, NULL},
	{"unit_ids", F_INT_ARRAY, 0, 1, 50, NULL},
	{"agreement_id", F_INT, F_NULLABLE, 1, MAX_ID, NULL},
	{"number", F_INT, 0, 1, 10000, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

enum media { MEDIA_JSON, MEDIA_CSV, MEDIA_NONE };

/* One element of an Accept header: a media range and its weight. */
struct range {
	const char *type, *sub;
	size_t tl, sl;
	int q;         /* 0-1000 */
};

/* s[0..n) without surrounding blanks. */
static const char *
trim(const char *s, size_t *n)
{
	while (*n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*n)--;
	}
	while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		(*n)--;
	return s;
}

/* A qvalue ("0", "0.5", "1.000") as 0-1000, or -1 when malformed. */
static int
qvalue(const char *v, size_t n)
{
	static const int scale[] = {100, 10, 1};
	int w;

	if (n == 0 || (v[0] != '0' && v[0] != '1') || (n > 1 && v[1] != '.') || n > 5)
		return -1;
	w = (v[0] - '0') * 1000;
	for (size_t i = 2; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		w += (v[i] - '0') * scale[i - 2];
	}
	return w > 1000 ? -1 : w;
}

/* Parses one element "type/sub;param=v;q=0.5" of n bytes; false when malformed. */
static bool
range_parse(const char *el, size_t n, struct range *r)
{
	const char *semi = memchr(el, ';', n), *slash;
	size_t rn = semi ? (size_t)(semi - el) : n;
	const char *rs = trim(el, &rn);

	slash = memchr(rs, '/', rn);
	if (slash == NULL)
		return false;
	r->type = rs;
	r->tl = (size_t)(slash - rs);
	r->sub = slash + 1;
	r->sl = rn - r->tl - 1;
	r->q = 1000;
	while (semi) {
		const char *p = semi + 1, *end = el + n;
		size_t pn;

		semi = memchr(p, ';', (size_t)(end - p));
		pn = (size_t)((semi ? semi : end) - p);
		p = trim(p, &pn);
		if (pn >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			r->q = qvalue(p + 2, pn - 2);
			return r->q >= 0;
		}
	}
	return true;
}

/* How specifically r names type/sub: 3 exactly, 2 as type/x, 1 as x/x, 0 not at all. */
static int
range_match(const struct range *r, const char *type, const char *sub)
{
	bool any_sub = r->sl == 1 && r->sub[0] == '*';

	if (r->tl == 1 && r->type[0] == '*')
		return any_sub ? 1 : 0;
	if (r->tl != strlen(type) || strncasecmp(r->type, type, r->tl) != 0)
		return 0;
	if (any_sub)
		return 2;
	return r->sl == strlen(sub) && strncasecmp(r->sub, sub, r->sl) == 0 ? 3 : 0;
}

/* What Accept asks for among JSON and CSV: the most specific range naming each gives its
 * weight (RFC 9110 §12.5.1); JSON wins ties and answers when there is no header. */
static enum media
accept_media(const char *accept)
{
	int best[2] = {0, 0}, q[2] = {0, 0};
	static const char *const types[2][2] = {{"application", "json"}, {"text", "csv"}};
	struct range r;

	if (accept == NULL || accept[strspn(accept, " \t")] == '\0')
		return MEDIA_JSON;
	for (const char *p = accept; *p;) {
		size_t n = strcspn(p, ",");

		if (range_parse(p, n, &r)) {
			for (int i = 0; i < 2; i++) {
				int s = range_match(&r, types[i][0], types[i][1]);

				if (s > best[i]) {
					best[i] = s;
					q[i] = r.q;
				}
			}
		}
		p += n;
		if (*p == ',')
			p++;
	}
	if (q[0] == 0 && q[1] == 0)
		return MEDIA_NONE;
	return q[1] > q[0] ? MEDIA_CSV : MEDIA_JSON;
}

/* Reads ?axis_id=&unit_id=&due_month=&status=&overdue=; 400 when one is bad. */
static bool
read_filter(struct call *c, struct activity_filter *f)
{
	return query_int(c, "axis_id", 1, MAX_ID, 0, &f->axis_id) &&
	       query_int(c, "unit_id", 1, MAX_ID, 0, &f->unit_id) &&
	       query_int(c, "due_month", 1, 12, 0, &f->due_month) &&
	       query_choice(c, "status", statuses, &f->status) &&
	       query_choice(c, "overdue", booleans, &f->overdue);
}

/* The whole filtered schedule as a CSV download. */
static void
schedule_csv(struct call *c, const struct activity_filter *f)
{
	static const char *const head[] = {"eje", "actividad", "mes", "responsables", "estado",
	                                   "avance"};
	struct db_reply r;
	struct buf b = BUF_INIT;
	char disposition[96];
	json_t *rows;
	bool ok;

	db_activity_schedule(&c->actor, c->id, f, &r);
	if (r.err != DB_OK) {
		reply_db_error(c, &r);
		return;
	}
	rows = json_loads(r.body, 0, NULL);
	db_reply_free(&r);
	csv_bom(&b);
	csv_row(&b, head, sizeof head / sizeof head[0]);
	ok = rows && csv_rows_json(&b, rows) && !b.oom;
	json_decref(rows);
	if (!ok) {
		buf_free(&b);
		reply_problem(c, 500, "internal_error", NULL);
		return;
	}
	snprintf(disposition, sizeof disposition,
	         "attachment; filename=\"cronograma-plan-%lld.csv\"", (long long)c->id);
	reply_text(c, 200, "text/csv; charset=utf-8", b.data, b.len);
	reply_header(c, "Content-Disposition", disposition);
	buf_free(&b);
}

/* GET /api/v1/plans/{id}/activities: a page of JSON, or with Accept: text/csv the whole
 * schedule; 406 when Accept allows neither. */
static void
activity_list(struct call *c)
{
	struct activity_filter f;
	struct db_reply r;
	int64_t limit, after;
	enum media m = accept_media(header(c, "Accept"));

	reply_header(c, "Vary", "Accept");
	if (m == MEDIA_NONE) {
		reply_problem(c, 406, "not_acceptable", &MSG_NOT_ACCEPTABLE);
		return;
	}
	if (!read_filter(c, &f))
		return;
	if (m == MEDIA_CSV) {
		schedule_csv(c, &f);
		return;
	}
	if (!query_page(c, &limit, &after))
		return;
	db_activity_list(&c->actor, c->id, &f, after, limit, &r);
	reply_db_list(c, &r);
}

/* POST /api/v1/axes/{id}/activities: a new activity of a draft plan's axis; number
 * defaults to the axis's next free one. */
static void
activity_create(struct call *c)
{
	struct db_reply r;

	if (!authorize(c, ACT_PLAN_WRITE) || !body_valid(c, activity_create_fields))
		return;
	db_activity_create(&c->actor, c->id, c->body_text, &r);
	reply_created(c, "/api/v1/activities", &r);
}

/* GET /api/v1/activities/{id} */
static void
activity_get(struct call *c)
{
	struct db_reply r;

	db_activity_get(&c->actor, c->id, &r);
	reply_db(c, 200, &r);
}

/* PATCH /api/v1/activities/{id}: structure members only; unit_ids replaces the list. */
static void
activity_update(struct call *c)
{
	struct db_reply r;
	char etag[80];

	if (!authorize(c, ACT_PLAN_WRITE) || !body_patch_valid(c, activity_patch_fields))
		return;
	db_activity_update(&c->actor, c->id, c->body_text, if_match(c, etag), &r);
	reply_db(c, 200, &r);
}

/* DELETE /api/v1/activities/{id}: with its progress updates. */
static void
activity_delete(struct call *c)
{
	struct db_reply r;

	if (!authorize(c, ACT_PLAN_WRITE))
		return;
	db_activity_delete(&c->actor, c->id, &r);
	reply_empty(c, &r);
}

const struct route activity_routes[] = {
	{"GET", "/api/v1/plans/:id/activities", activity_list},
	{"POST", "/api/v1/axes/:id/activities", activity_create},
	{"GET", "/api/v1/activities/:id", activity_get},
	{"PATCH", "/api/v1/activities/:id", activity_update},
	{"DELETE", "/api/v1/activities/:id", activity_delete},
	ROUTES_END,
};
