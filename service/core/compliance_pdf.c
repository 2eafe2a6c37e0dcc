/* Compliance for print: the counts of each group as the JSON gives them, and a bar of
 * its compliance (done ÷ not cancelled) under the percentage. */
#include "core/compliance_pdf.h"

#include <stdio.h>

#include "core/pdf.h"

#define NCOLS 9
#define BAR 5.0
#define SIZE 7.5

static const char *const counts[] = {"activities", "done", "in_progress", "pending",
                                     "cancelled", "overdue"};

/* The table's columns; the first is the group's ("Eje" or "Unidad"). */
static void
columns(struct pdf_col cols[NCOLS], const char *group)
{
	static const struct pdf_col rest[NCOLS - 1] = {
		{"Actividades", 55}, {"Cumplidas", 52}, {"En curso", 42}, {"Pendientes", 54},
		{"Canceladas", 56}, {"Vencidas", 46}, {"% de cumplimiento", 66}, {"Avance promedio", 48},
	};

	cols[0] = (struct pdf_col){group, 96};
	for (int i = 1; i < NCOLS; i++)
		cols[i] = rest[i - 1];
}

/* One group's row: name, counts, compliance (with its bar) and mean progress. */
static void
group_row(struct pdf *p, const struct pdf_col *cols, const char *name, const json_t *g)
{
	char num[NCOLS][32];
	const char *cells[NCOLS];
	double pct = json_number_value(json_object_get(g, "compliance_pct"));
	double h, x = PDF_MARGIN, y;

	cells[0] = name;
	for (int i = 0; i < 6; i++) {
		snprintf(num[i + 1], sizeof num[i + 1], "%lld",
		         (long long)json_integer_value(json_object_get(g, counts[i])));
		cells[i + 1] = num[i + 1];
	}
	snprintf(num[7], sizeof num[7], "%.1f %%", pct);
	snprintf(num[8], sizeof num[8], "%.1f %%",
	         json_number_value(json_object_get(g, "avg_progress")));
	cells[7] = num[7];
	cells[8] = num[8];
	h = pdf_row_height(p, cols, NCOLS, cells, SIZE, BAR + 2);
	if (pdf_need(p, h))
		pdf_table_head(p, cols, NCOLS);
	y = pdf_y(p);
	pdf_row(p, cols, NCOLS, cells, SIZE, h);
	for (int i = 0; i < 7; i++)
		x += cols[i].w;
	pdf_box(p, x + PDF_PAD, y + h - PDF_PAD - BAR, cols[7].w - 2 * PDF_PAD, BAR, 0.92, true);
	pdf_box(p, x + PDF_PAD, y + h - PDF_PAD - BAR, (cols[7].w - 2 * PDF_PAD) * pct / 100, BAR,
	        0.35, false);
}

/* A titled table of groups (by axis or by unit). */
static void
groups(struct pdf *p, const char *title, const char *group, const json_t *list, bool axes)
{
	struct pdf_col cols[NCOLS];
	size_t i;
	json_t *g;

	columns(cols, group);
	pdf_need(p, 70);
	pdf_move(p, 8);
	pdf_move(p, pdf_text(p, PDF_MARGIN, pdf_y(p), PDF_WIDTH - 2 * PDF_MARGIN, title, 11, true) + 4);
	pdf_table_head(p, cols, NCOLS);
	json_array_foreach(list, i, g) {
		char name[400];

		if (axes)
			snprintf(name, sizeof name, "%lld. %s",
			         (long long)json_integer_value(json_object_get(g, "number")),
			         json_string_value(json_object_get(g, "name")));
		else
			snprintf(name, sizeof name, "%s", json_string_value(json_object_get(g, "name")));
		group_row(p, cols, name, g);
	}
}

char *
compliance_pdf(const json_t *c, size_t *len)
{
	const json_t *totals = json_object_get(c, "totals");
	struct pdf_col cols[NCOLS];
	struct pdf *p;
	char line[160];

	*len = 0;
	if (!json_is_object(totals))
		return NULL;
	p = pdf_begin("Cumplimiento del plan de trabajo");
	if (p == NULL)
		return NULL;
	pdf_move(p, pdf_text(p, PDF_MARGIN, pdf_y(p), PDF_WIDTH - 2 * PDF_MARGIN,
	                     "Cumplimiento del plan de trabajo", 16, true) + 4);
	snprintf(line, sizeof line, "Plan %lld · al %s",
	         (long long)json_integer_value(json_object_get(c, "plan_id")),
	         json_string_value(json_object_get(c, "as_of")));
	pdf_move(p, pdf_text(p, PDF_MARGIN, pdf_y(p), PDF_WIDTH - 2 * PDF_MARGIN, line, 9, false) + 8);
	columns(cols, "Total");
	pdf_table_head(p, cols, NCOLS);
	group_row(p, cols, "Plan", totals);
	/* The answers owed to citizens (openapi/openapi.yaml, ComplianceCounts). */
	snprintf(line, sizeof line, "Observaciones en línea: %lld respondidas fuera de plazo, "
	         "%lld sin respuesta con el plazo vencido.",
	         (long long)json_integer_value(json_object_get(totals, "observations_answered_late")),
	         (long long)json_integer_value(json_object_get(totals,
	                                                       "observations_unanswered_overdue")));
	pdf_move(p, 4);
	pdf_move(p, pdf_text(p, PDF_MARGIN, pdf_y(p), PDF_WIDTH - 2 * PDF_MARGIN, line, 9, false));
	groups(p, "Por eje", "Eje", json_object_get(c, "by_axis"), true);
	groups(p, "Por unidad responsable", "Unidad", json_object_get(c, "by_unit"), false);
	return pdf_end(p, len);
}
