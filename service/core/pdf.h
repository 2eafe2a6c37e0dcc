/* Printable A4 documents with cairo and pango: pages, wrapped text, boxes and bars. The
 * layout of each document is its caller's (core/report_pdf.c); this module only places
 * things and starts a new page when asked. */
#ifndef CORE_PDF_H
#define CORE_PDF_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define PDF_WIDTH 595.28     /* A4, in points */
#define PDF_HEIGHT 841.89
#define PDF_MARGIN 40.0
#define PDF_BOTTOM (PDF_HEIGHT - PDF_MARGIN - 14)  /* above the page number */

struct pdf;

/* A new document on its first page, y at the top margin; NULL when out of memory. Holds
 * the one rendering lock until pdf_end (fontconfig and pango's font map are shared). */
struct pdf *pdf_begin(const char *title);
/* Finishes the document and frees p; returns the PDF's bytes (malloc'd, the caller frees)
 * and their number in *len, or NULL when rendering failed. */
char *pdf_end(struct pdf *p, size_t *len);

/* Releases the font map and fontconfig's caches, once no PDF is rendering (at exit, so
 * that leak checkers see only what requests leave behind). */
void pdf_shutdown(void);

/* The current vertical position, and moving it. */
double pdf_y(const struct pdf *p);
void pdf_move(struct pdf *p, double dy);
/* Starts a new page (the page number is printed at the foot of each). */
void pdf_page(struct pdf *p);
/* Starts a new page unless h more points fit on this one; true when it started one. */
bool pdf_need(struct pdf *p, double h);

/* The height of text wrapped to width at size (bold or not), in points. */
double pdf_text_height(struct pdf *p, const char *text, double width, double size, bool bold);
/* Draws text wrapped to width with its top left at (x, y); returns its height. */
double pdf_text(struct pdf *p, double x, double y, double width, const char *text, double size,
                bool bold);
/* A rectangle: filled with grey level (0 black … 1 white) when fill >= 0, outlined when
 * stroke. */
void pdf_box(struct pdf *p, double x, double y, double w, double h, double fill, bool stroke);

/* A table's column: its header and width in points. */
struct pdf_col {
	const char *head;
	double w;
};
#define PDF_PAD 3.0

/* Draws the header row of the n columns at the current position and moves below it. */
void pdf_table_head(struct pdf *p, const struct pdf_col *cols, int n);
/* The height of a row whose n cells hold texts, at size; extra points added below. */
double pdf_row_height(struct pdf *p, const struct pdf_col *cols, int n, const char *const *texts,
                      double size, double extra);
/* Draws a row of height h at the current position (outlined cells) and moves below it. */
void pdf_row(struct pdf *p, const struct pdf_col *cols, int n, const char *const *texts,
             double size, double h);
/* A string member of o, or "" (absent or not a string): what a cell prints. */
const char *pdf_str(const json_t *o, const char *key);
/* A month's name in Spanish ("Enero" for 1), or "" outside 1–12. */
const char *pdf_month(long long m);

/* The signature block of a plan: "Elaborado por" and "Revisado y aprobado por", each
 * {name, position} or null, in a table with a column left for the signature. */
void pdf_signatures(struct pdf *p, const json_t *elaborated_by, const json_t *approved_by);

#endif
