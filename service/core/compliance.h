/* Compliance figures of a plan: the arithmetic (percentages, averages, rounding) on the
 * raw counts the database returns, and their JSON rendering. Pure: no I/O. */
#ifndef CORE_COMPLIANCE_H
#define CORE_COMPLIANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* The raw counts of one group of activities (a plan, an axis, a unit). */
struct compliance_counts {
	int64_t activities, done, in_progress, pending, cancelled, not_done, overdue;
	int64_t progress_sum;  /* sum of progress over the non-cancelled activities */
	/* Online observations answered after their answer_due, and not answered though due. */
	int64_t answered_late, unanswered_overdue;
};

/* One axis or unit and its counts. */
struct compliance_group {
	int64_t id;
	int64_t number;        /* the axis number; unused for units */
	char *name;            /* owned */
	struct compliance_counts n;
};

/* A whole report: totals, by axis (in order), by unit (in order). */
struct compliance_report {
	int64_t plan_id;
	char as_of[11];        /* YYYY-MM-DD */
	struct compliance_counts totals;
	struct compliance_group *axes, *units;  /* owned arrays */
	size_t naxes, nunits;
};

/* done ÷ (activities − cancelled) × 100 in tenths, rounded half up; 0 when no
 * non-cancelled activity is left. */
int64_t compliance_pct_tenths(const struct compliance_counts *n);
/* Mean progress of the non-cancelled activities in tenths, rounded half up; 0 when none. */
int64_t compliance_avg_tenths(const struct compliance_counts *n);
/* Appends the counts as JSON object members without braces:
 * "activities":…,"done":…,…,"compliance_pct":33.3,"avg_progress":12.5,
 * "observations_answered_late":…,"observations_unanswered_overdue":… */
void compliance_counts_json(struct buf *b, const struct compliance_counts *n);
/* The report as a JSON text (caller frees), or NULL when out of memory. */
char *compliance_render(const struct compliance_report *r);
/* Appends a group to the report's axes (axis true) or units, copying name; false on OOM. */
bool compliance_add_group(struct compliance_report *r, bool axis, int64_t id, int64_t number,
                          const char *name, const struct compliance_counts *n);
/* Frees the groups of r (not r itself). */
void compliance_report_free(struct compliance_report *r);
/* True if s is a valid calendar date written exactly YYYY-MM-DD (years 1000-9999). */
bool compliance_date_ok(const char *s);

#endif
