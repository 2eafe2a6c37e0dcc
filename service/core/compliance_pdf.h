/* A plan's compliance figures as a printable A4 PDF. */
#ifndef CORE_COMPLIANCE_PDF_H
#define CORE_COMPLIANCE_PDF_H

#include <jansson.h>
#include <stddef.h>

/* The PDF of c (the JSON of GET /plans/{id}/compliance): the totals, then a table by axis
 * and one by unit, each row with a bar of its compliance. Returns the bytes (malloc'd)
 * and their number in *len, or NULL. */
char *compliance_pdf(const json_t *c, size_t *len);

#endif
