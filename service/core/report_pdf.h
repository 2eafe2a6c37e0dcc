/* The traceability report as a printable A4 PDF (cairo and pango, core/pdf.c). */
#ifndef CORE_REPORT_PDF_H
#define CORE_REPORT_PDF_H

#include <jansson.h>
#include <stddef.h>

/* The PDF of report (the JSON of GET /plans/{id}/report): the plan's header and totals, a
 * table per axis whose header repeats on every page it continues to, a progress bar per
 * row, and the signature block. Returns the bytes (malloc'd, the caller frees) and their
 * number in *len, or NULL when report has another shape or rendering failed. */
char *report_pdf(const json_t *report, size_t *len);

#endif
