/* cairo writes the PDF into memory (a stream callback into a buf); pango lays out and
 * wraps the text in DejaVu Sans, which has every accent and ñ of Spanish. Font maps and
 * fontconfig are not safe to share between threads, and a font map per request thread
 * would load fontconfig again each time: one map, made once, used under one lock. The
 * lock holds other PDFs only; every other request goes on. */
#include "core/pdf.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include "core/buf.h"

#define FONT "DejaVu Sans"

static pthread_mutex_t render_lock = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *font_map;   /* made on first use, under render_lock */

struct pdf {
	struct buf out;
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoContext *ctx;
	PangoLayout *layout;
	double y;
	int page;
};

static cairo_status_t
sink(void *closure, const unsigned char *data, unsigned int n)
{
	struct buf *b = closure;

	buf_add(b, (const char *)data, n);
	return b->oom ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

/* Sets the layout for text at size, bold or not, wrapped to width. */
static void
layout_for(struct pdf *p, const char *text, double width, double size, bool bold)
{
	PangoFontDescription *fd = pango_font_description_new();

	pango_font_description_set_family(fd, FONT);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(p->layout, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(p->layout, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(p->layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(p->layout, text ? text : "", -1);
}

/* The page number at the foot of the current page. */
static void
foot(struct pdf *p)
{
	char n[32];

	snprintf(n, sizeof n, "Página %d", p->page);
	cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
	pdf_text(p, PDF_WIDTH - PDF_MARGIN - 80, PDF_HEIGHT - PDF_MARGIN, 80, n, 7, false);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

struct pdf *
pdf_begin(const char *title)
{
	struct pdf *p = calloc(1, sizeof *p);

	if (p == NULL)
		return NULL;
	pthread_mutex_lock(&render_lock);
	if (font_map == NULL)
		font_map = pango_cairo_font_map_new();
	p->surface = cairo_pdf_surface_create_for_stream(sink, &p->out, PDF_WIDTH, PDF_HEIGHT);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "Rendición");
	p->cr = cairo_create(p->surface);
	p->ctx = pango_font_map_create_context(font_map);
	pango_cairo_update_context(p->cr, p->ctx);
	p->layout = pango_layout_new(p->ctx);
	p->y = PDF_MARGIN;
	p->page = 1;
	return p;
}

char *
pdf_end(struct pdf *p, size_t *len)
{
	char *data = NULL;
	bool ok;

	foot(p);
	cairo_show_page(p->cr);
	g_object_unref(p->layout);
	g_object_unref(p->ctx);
	cairo_destroy(p->cr);
	cairo_surface_finish(p->surface);
	ok = cairo_surface_status(p->surface) == CAIRO_STATUS_SUCCESS && !p->out.oom;
	cairo_surface_destroy(p->surface);
	pthread_mutex_unlock(&render_lock);
	*len = ok ? p->out.len : 0;
	if (ok)
		data = buf_take(&p->out);
	buf_free(&p->out);
	free(p);
	return data;
}

void
pdf_shutdown(void)
{
	pthread_mutex_lock(&render_lock);
	if (font_map != NULL) {
		g_object_unref(font_map);
		font_map = NULL;
		FcFini();
	}
	pthread_mutex_unlock(&render_lock);
}

double
pdf_y(const struct pdf *p)
{
	return p->y;
}

void
pdf_move(struct pdf *p, double dy)
{
	p->y += dy;
}

void
pdf_page(struct pdf *p)
{
	foot(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = PDF_MARGIN;
}

bool
pdf_need(struct pdf *p, double h)
{
	if (p->y + h <= PDF_BOTTOM || p->y == PDF_MARGIN)
		return false;
	pdf_page(p);
	return true;
}

double
pdf_text_height(struct pdf *p, const char *text, double width, double size, bool bold)
{
	int w, h;

	layout_for(p, text, width, size, bold);
	pango_layout_get_size(p->layout, &w, &h);
	return (double)h / PANGO_SCALE;
}

double
pdf_text(struct pdf *p, double x, double y, double width, const char *text, double size,
         bool bold)
{
	int w, h;

	layout_for(p, text, width, size, bold);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->layout);
	pango_layout_get_size(p->layout, &w, &h);
	return (double)h / PANGO_SCALE;
}

void
pdf_box(struct pdf *p, double x, double y, double w, double h, double fill, bool stroke)
{
	cairo_rectangle(p->cr, x, y, w, h);
	if (fill >= 0) {
		cairo_set_source_rgb(p->cr, fill, fill, fill);
		if (stroke)
			cairo_fill_preserve(p->cr);
		else
			cairo_fill(p->cr);
	}
	if (stroke) {
		cairo_set_source_rgb(p->cr, 0.55, 0.55, 0.55);
		cairo_set_line_width(p->cr, 0.5);
		cairo_stroke(p->cr);
	}
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

/* The height of a row of n texts at size, bold or not. */
static double
row_height(struct pdf *p, const struct pdf_col *cols, int n, const char *const *texts,
           double size, bool bold)
{
	double h = 0;

	for (int i = 0; i < n; i++) {
		double t = pdf_text_height(p, texts[i], cols[i].w - 2 * PDF_PAD, size, bold);

		h = t > h ? t : h;
	}
	return h + 2 * PDF_PAD;
}

void
pdf_table_head(struct pdf *p, const struct pdf_col *cols, int n)
{
	const char *texts[16] = {NULL};
	double h, x = PDF_MARGIN;

	n = n < 16 ? n : 16;
	for (int i = 0; i < n; i++)
		texts[i] = cols[i].head;
	h = row_height(p, cols, n, texts, 7.5, true);
	for (int i = 0; i < n; i++) {
		pdf_box(p, x, p->y, cols[i].w, h, 0.88, true);
		pdf_text(p, x + PDF_PAD, p->y + PDF_PAD, cols[i].w - 2 * PDF_PAD, texts[i], 7.5, true);
		x += cols[i].w;
	}
	p->y += h;
}

double
pdf_row_height(struct pdf *p, const struct pdf_col *cols, int n, const char *const *texts,
               double size, double extra)
{
	return row_height(p, cols, n, texts, size, false) + extra;
}

void
pdf_row(struct pdf *p, const struct pdf_col *cols, int n, const char *const *texts,
        double size, double h)
{
	double x = PDF_MARGIN;

	for (int i = 0; i < n; i++) {
		pdf_box(p, x, p->y, cols[i].w, h, -1, true);
		pdf_text(p, x + PDF_PAD, p->y + PDF_PAD, cols[i].w - 2 * PDF_PAD, texts[i], size, false);
		x += cols[i].w;
	}
	p->y += h;
}

/* A person's member, or "". */
static const char *
person(const json_t *who, const char *key)
{
	const char *s = json_string_value(json_object_get(who, key));

	return s ? s : "";
}

void
pdf_signatures(struct pdf *p, const json_t *elaborated_by, const json_t *approved_by)
{
	static const struct pdf_col cols[] = {
		{"Acción", 135}, {"Nombre", 110}, {"Cargo", 180}, {"Firma", 90},
	};
	const char *rows[2][4] = {
		{"Elaborado por:", person(elaborated_by, "name"), person(elaborated_by, "position"), ""},
		{"Revisado y aprobado por:", person(approved_by, "name"), person(approved_by, "position"),
		 ""},
	};

	p->y += 18;
	pdf_need(p, 90);
	pdf_table_head(p, cols, 4);
	for (int r = 0; r < 2; r++) {
		double h = pdf_row_height(p, cols, 4, rows[r], 8, 0);

		h = h > 30 ? h : 30;
		pdf_row(p, cols, 4, rows[r], 8, h);
	}
}

const char *
pdf_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

const char *
pdf_month(long long m)
{
	static const char *const months[] = {"", "Enero", "Febrero", "Marzo", "Abril", "Mayo",
	                                     "Junio", "Julio", "Agosto", "Septiembre", "Octubre",
	                                     "Noviembre", "Diciembre"};

	return m >= 1 && m <= 12 ? months[m] : "";
}
