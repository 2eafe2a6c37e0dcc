/* A plan document as a printable A4 PDF, laid out as the signed plan reads. */
#ifndef CORE_PLAN_PDF_H
#define CORE_PLAN_PDF_H

#include <jansson.h>
#include <stddef.h>

/* The PDF of doc (the plan document, PlanDocument in openapi/openapi.yaml): the title and
 * process, then per axis x its description and sections x.1 observations, x.2
 * contributions, x.3 agreements and x.4 the schedule (activity, month in Spanish, units;
 * its header repeated on every page it continues to), and the signature block. Returns
 * the bytes (malloc'd) and their number in *len, or NULL. */
char *plan_pdf(const json_t *doc, size_t *len);

#endif
