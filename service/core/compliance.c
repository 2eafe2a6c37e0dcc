/* Compliance arithmetic in integers (tenths), so that rounding is exact half-up. */
#include "core/compliance.h"

#include <stdlib.h>
#include <string.h>

/* num ÷ den in tenths, rounded half up; num, den ≥ 0 and den > 0. */
static int64_t
tenths(int64_t num, int64_t den)
{
	return (num * 20 + den) / (den * 2);
}

int64_t
compliance_pct_tenths(const struct compliance_counts *n)
{
	int64_t den = n->activities - n->cancelled;

	return den > 0 ? tenths(n->done * 100, den) : 0;
}

int64_t
compliance_avg_tenths(const struct compliance_counts *n)
{
	int64_t den = n->activities - n->cancelled;

	return den > 0 ? tenths(n->progress_sum, den) : 0;
}

void
compliance_counts_json(struct buf *b, const struct compliance_counts *n)
{
	int64_t pct = compliance_pct_tenths(n), avg = compliance_avg_tenths(n);

	buf_printf(b, "\"activities\":%lld,\"done\":%lld,\"in_progress\":%lld,\"pending\":%lld,"
	           "\"cancelled\":%lld,\"not_done\":%lld,\"overdue\":%lld,\"compliance_pct\":%lld.%lld,"
	           "\"avg_progress\":%lld.%lld,\"observations_answered_late\":%lld,"
	           "\"observations_unanswered_overdue\":%lld",
	           (long long)n->activities, (long long)n->done, (long long)n->in_progress,
	           (long long)n->pending, (long long)n->cancelled, (long long)n->not_done,
	           (long long)n->overdue,
	           (long long)(pct / 10), (long long)(pct % 10), (long long)(avg / 10),
	           (long long)(avg % 10), (long long)n->answered_late,
	           (long long)n->unanswered_overdue);
}

char *
compliance_render(const struct compliance_report *r)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "{\"plan_id\":%lld,\"as_of\":", (long long)r->plan_id);
	buf_json_str(&b, r->as_of);
	buf_puts(&b, ",\"totals\":{");
	compliance_counts_json(&b, &r->totals);
	buf_puts(&b, "},\"by_axis\":[");
	for (size_t i = 0; i < r->naxes; i++) {
		const struct compliance_group *g = &r->axes[i];

		buf_printf(&b, "%s{\"axis_id\":%lld,\"number\":%lld,\"name\":", i ? "," : "",
		           (long long)g->id, (long long)g->number);
		buf_json_str(&b, g->name);
		buf_putc(&b, ',');
		compliance_counts_json(&b, &g->n);
		buf_putc(&b, '}');
	}
	buf_puts(&b, "],\"by_unit\":[");
	for (size_t i = 0; i < r->nunits; i++) {
		const struct compliance_group *g = &r->units[i];

		buf_printf(&b, "%s{\"unit_id\":%lld,\"name\":", i ? "," : "", (long long)g->id);
		buf_json_str(&b, g->name);
		buf_putc(&b, ',');
		compliance_counts_json(&b, &g->n);
		buf_putc(&b, '}');
	}
	buf_puts(&b, "]}");
	if (b.oom) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

bool
compliance_add_group(struct compliance_report *r, bool axis, int64_t id, int64_t number,
                     const char *name, const struct compliance_counts *n)
{
	struct compliance_group **arr = axis ? &r->axes : &r->units;
	size_t *len = axis ? &r->naxes : &r->nunits;
	struct compliance_group *grown, *g;

	grown = realloc(*arr, (*len + 1) * sizeof **arr);
	if (grown == NULL)
		return false;
	*arr = grown;
	g = &grown[*len];
	g->name = strdup(name ? name : "");
	if (g->name == NULL)
		return false;
	g->id = id;
	g->number = number;
	g->n = *n;
	(*len)++;
	return true;
}

void
compliance_report_free(struct compliance_report *r)
{
	for (size_t i = 0; i < r->naxes; i++)
		free(r->axes[i].name);
	for (size_t i = 0; i < r->nunits; i++)
		free(r->units[i].name);
	free(r->axes);
	free(r->units);
	r->axes = r->units = NULL;
	r->naxes = r->nunits = 0;
}

bool
compliance_date_ok(const char *s)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, last;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1000 || m < 1 || m > 12 || d < 1)
		return false;
	last = days[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		last = 29;
	return d <= last;
}
