/* The layout of the "Incorporación de aportes ciudadanos" report as the CPCCS form asks
 * it, item by item: ¿se incorporó?, % de avance, medio de verificación; then the signature
 * block of the signed plan ("Elaborado por / Revisado y aprobado por"). */
#include "core/report_pdf.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/pdf.h"

#define PAD PDF_PAD
#define SIZE 7.5
#define BAR 5.0
#define NCOLS 6

static const struct pdf_col cols[NCOLS] = {
	{"N.º", 42}, {"Observación o aporte", 150}, {"¿Se incorporó?", 50},
	{"Acuerdos y actividades", 150}, {"% de avance", 50}, {"Medio de verificación", 73},
};

/* A status in Spanish (observations and activities share none of their values). */
static const char *
status_es(const char *s)
{
	static const char *const names[][2] = {
		{"received", "recibida"}, {"in_review", "en revisión"}, {"accepted", "aceptada"},
		{"rejected", "rechazada"}, {"withdrawn", "retirada"}, {"pending", "pendiente"},
		{"in_progress", "en curso"}, {"done", "cumplida"}, {"cancelled", "cancelada"},
		{"not_done", "no cumplida"},
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i][0]) == 0)
			return names[i][1];
	return s;
}

/* The texts of a row's cells (each a buf the caller frees). */
static void
row_cells(const json_t *row, struct buf cell[NCOLS])
{
	const json_t *progress = json_object_get(row, "progress");
	const json_t *v;
	size_t i;

	buf_printf(&cell[0], "%s %lld",
	           strcmp(pdf_str(row, "kind"), "observation") == 0 ? "Obs." : "Aporte",
	           (long long)json_integer_value(json_object_get(row, "number")));
	buf_puts(&cell[1], pdf_str(row, "text"));
	if (strcmp(pdf_str(row, "status"), "accepted") != 0)
		buf_printf(&cell[1], "\n(%s)", status_es(pdf_str(row, "status")));
	if (json_is_string(json_object_get(row, "response")))
		buf_printf(&cell[1], "\nRespuesta: %s", pdf_str(row, "response"));
	buf_puts(&cell[2], json_is_true(json_object_get(row, "incorporated")) ? "Sí" : "No");
	json_array_foreach(json_object_get(row, "agreements"), i, v) {
		buf_printf(&cell[3], "%sAcuerdo: %s", cell[3].len ? "\n" : "", json_string_value(v));
	}
	json_array_foreach(json_object_get(row, "activities"), i, v) {
		json_int_t m = json_integer_value(json_object_get(v, "month"));

		buf_printf(&cell[3], "%s• %s (%s; %s; %lld %%)", cell[3].len ? "\n" : "",
		           pdf_str(v, "description"), pdf_month(m),
		           status_es(pdf_str(v, "status")),
		           (long long)json_integer_value(json_object_get(v, "progress")));
	}
	if (json_is_number(progress))
		buf_printf(&cell[4], "%.1f %%", json_number_value(progress));
	else
		buf_puts(&cell[4], "—");
	json_array_foreach(json_object_get(row, "evidence_urls"), i, v) {
		buf_printf(&cell[5], "%s%s", cell[5].len ? "\n" : "", json_string_value(v));
	}
	if (cell[5].len == 0)
		buf_puts(&cell[5], "—");
}

/* An axis's title and the table's header; "(continúa)" on the pages after its first. */
static void
axis_head(struct pdf *p, const json_t *axis, bool continued)
{
	char t[400];

	snprintf(t, sizeof t, "%lld. %s%s", (long long)json_integer_value(json_object_get(axis, "number")),
	         pdf_str(axis, "name"), continued ? " (continúa)" : "");
	pdf_move(p, 6);
	pdf_move(p, pdf_text(p, PDF_MARGIN, pdf_y(p), PDF_WIDTH - 2 * PDF_MARGIN, t, 10, true) + 4);
	pdf_table_head(p, cols, NCOLS);
}

/* One row: its cells, and under the progress a bar of its length. */
static void
table_row(struct pdf *p, const json_t *row, const json_t *axis)
{
	struct buf cell[NCOLS] = {BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT};
	const json_t *progress = json_object_get(row, "progress");
	const char *texts[NCOLS];
	double h, x = PDF_MARGIN + cols[0].w + cols[1].w + cols[2].w + cols[3].w, y;

	row_cells(row, cell);
	for (int i = 0; i < NCOLS; i++)
		texts[i] = buf_str(&cell[i]);
	h = pdf_row_height(p, cols, NCOLS, texts, SIZE, json_is_number(progress) ? BAR + 2 : 0);
	if (pdf_need(p, h))
		axis_head(p, axis, true);
	y = pdf_y(p);
	pdf_row(p, cols, NCOLS, texts, SIZE, h);
	if (json_is_number(progress)) {
		double w = cols[4].w - 2 * PAD, by = y + h - PAD - BAR;

		pdf_box(p, x + PAD, by, w, BAR, 0.92, true);
		pdf_box(p, x + PAD, by, w * json_number_value(progress) / 100, BAR, 0.35, false);
	}
	for (int i = 0; i < NCOLS; i++)
		buf_free(&cell[i]);
}

char *
report_pdf(const json_t *report, size_t *len)
{
	const json_t *plan = json_object_get(report, "plan");
	const json_t *totals = json_object_get(report, "totals");
	const json_t *rows = json_object_get(report, "rows");
	const json_t *avg = json_object_get(totals, "avg_progress");
	const json_t *row, *axis = NULL;
	double width = PDF_WIDTH - 2 * PDF_MARGIN;
	struct pdf *p;
	char line[700];
	size_t i;

	*len = 0;
	if (!json_is_object(plan) || !json_is_array(rows) || !json_is_object(totals))
		return NULL;
	p = pdf_begin("Incorporación de aportes ciudadanos");
	if (p == NULL)
		return NULL;
	pdf_move(p, pdf_text(p, PDF_MARGIN, pdf_y(p), width, "Incorporación de aportes ciudadanos",
	                     16, true) + 4);
	pdf_move(p, pdf_text(p, PDF_MARGIN, pdf_y(p), width, pdf_str(plan, "title"), 12, true) + 2);
	snprintf(line, sizeof line, "%s · %lld", pdf_str(plan, "entity"),
	         (long long)json_integer_value(json_object_get(plan, "year")));
	pdf_move(p, pdf_text(p, PDF_MARGIN, pdf_y(p), width, line, 9, false) + 2);
	snprintf(line, sizeof line,
	         "Observaciones y aportes: %lld · Incorporados: %lld (%.1f %%) · Avance promedio: %s",
	         (long long)json_integer_value(json_object_get(totals, "items")),
	         (long long)json_integer_value(json_object_get(totals, "incorporated")),
	         json_number_value(json_object_get(totals, "incorporated_pct")), "");
	if (json_is_number(avg))
		snprintf(line + strlen(line), sizeof line - strlen(line), "%.1f %%",
		         json_number_value(avg));
	else
		snprintf(line + strlen(line), sizeof line - strlen(line), "—");
	pdf_move(p, pdf_text(p, PDF_MARGIN, pdf_y(p), width, line, 9, false) + 6);
	json_array_foreach(rows, i, row) {
		const json_t *a = json_object_get(row, "axis");

		if (axis == NULL || !json_equal(a, axis)) {
			axis = a;
			pdf_need(p, 80);
			axis_head(p, axis, false);
		}
		table_row(p, row, axis);
	}
	pdf_signatures(p, json_object_get(plan, "elaborated_by"), json_object_get(plan, "approved_by"));
	return pdf_end(p, len);
}
