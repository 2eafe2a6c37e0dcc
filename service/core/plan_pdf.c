/* The plan as the signed "Plan de Trabajo" reads: headings in capitals, the citizens'
 * observations, contributions and agreements as bulleted lists, the schedule as a table
 * (Actividad, Mes, Responsable) and the signatures at the end. */
#include "core/plan_pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "core/buf.h"
#include "core/pdf.h"

#define WIDTH (PDF_WIDTH - 2 * PDF_MARGIN)

static const struct pdf_col schedule[] = {
	{"Actividad", 265}, {"Mes", 70}, {"Responsable", 180},
};

/* A paragraph at the left margin, starting a new page when it does not fit. */
static void
para(struct pdf *p, double indent, const char *text, double size, bool bold, double after)
{
	double h = pdf_text_height(p, text, WIDTH - indent, size, bold);

	pdf_need(p, h);
	pdf_move(p, pdf_text(p, PDF_MARGIN + indent, pdf_y(p), WIDTH - indent, text, size, bold) +
	            after);
}

/* A section x.n with its heading and one bullet per item's member key. */
static void
section(struct pdf *p, long long axis, int n, const char *title, const json_t *items,
        const char *key)
{
	char head[96];
	size_t i;
	json_t *item;

	snprintf(head, sizeof head, "%lld.%d %s", axis, n, title);
	pdf_need(p, 40);
	para(p, 0, head, 9.5, true, 4);
	json_array_foreach(items, i, item) {
		struct buf b = BUF_INIT;

		buf_printf(&b, "-  %s", pdf_str(item, key));
		para(p, 10, buf_str(&b), 8.5, false, 3);
		buf_free(&b);
	}
	if (json_array_size(items) == 0)
		para(p, 10, "(ninguno)", 8.5, false, 3);
	pdf_move(p, 5);
}

/* x.4: the schedule, its header again on each page the table continues to. */
static void
schedule_table(struct pdf *p, long long axis, const json_t *activities)
{
	char head[64];
	size_t i, j;
	json_t *t, *u;

	snprintf(head, sizeof head, "%lld.4 CRONOGRAMA DE CUMPLIMIENTO", axis);
	pdf_need(p, 60);
	para(p, 0, head, 9.5, true, 4);
	pdf_table_head(p, schedule, 3);
	json_array_foreach(activities, i, t) {
		struct buf units = BUF_INIT;
		json_int_t m = json_integer_value(json_object_get(t, "due_month"));
		const char *cells[3];
		double h;

		json_array_foreach(json_object_get(t, "units"), j, u) {
			buf_printf(&units, "%s%s", j ? " / " : "", json_string_value(u));
		}
		cells[0] = pdf_str(t, "description");
		cells[1] = pdf_month(m);
		cells[2] = buf_str(&units);
		h = pdf_row_height(p, schedule, 3, cells, 8, 0);
		if (pdf_need(p, h))
			pdf_table_head(p, schedule, 3);
		pdf_row(p, schedule, 3, cells, 8, h);
		buf_free(&units);
	}
	pdf_move(p, 10);
}

/* Text in capitals (the signed document's headings); the caller frees it. */
static char *
upper(const char *s)
{
	gchar *u = g_utf8_strup(s, -1);
	char *out = u ? strdup(u) : NULL;

	g_free(u);
	return out;
}

char *
plan_pdf(const json_t *doc, size_t *len)
{
	const json_t *axes = json_object_get(doc, "axes");
	const json_t *a;
	struct pdf *p;
	char *t;
	size_t i;

	*len = 0;
	if (!json_is_object(doc) || !json_is_array(axes))
		return NULL;
	p = pdf_begin(pdf_str(doc, "title"));
	if (p == NULL)
		return NULL;
	t = upper(pdf_str(doc, "title"));
	para(p, 0, t ? t : "", 16, true, 6);
	free(t);
	t = upper(pdf_str(doc, "entity"));
	{
		struct buf b = BUF_INIT;

		buf_printf(&b, "Proceso de %s %s", pdf_str(doc, "process"), t ? t : "");
		para(p, 0, buf_str(&b), 10, false, 12);
		buf_free(&b);
	}
	free(t);
	json_array_foreach(axes, i, a) {
		long long n = (long long)json_integer_value(json_object_get(a, "number"));
		struct buf b = BUF_INIT;

		t = upper(pdf_str(a, "name"));
		buf_printf(&b, "%lld. %s", n, t ? t : "");
		free(t);
		pdf_need(p, 80);
		para(p, 0, buf_str(&b), 11, true, 4);
		buf_free(&b);
		if (*pdf_str(a, "description"))
			para(p, 0, pdf_str(a, "description"), 8.5, false, 8);
		section(p, n, 1, "OBSERVACIONES CIUDADANAS", json_object_get(a, "observations"), "body");
		section(p, n, 2, "APORTES CIUDADANOS", json_object_get(a, "contributions"), "body");
		section(p, n, 3, "ACUERDOS GENERADOS", json_object_get(a, "agreements"), "text");
		schedule_table(p, n, json_object_get(a, "activities"));
	}
	pdf_signatures(p, json_object_get(doc, "elaborated_by"), json_object_get(doc, "approved_by"));
	return pdf_end(p, len);
}
