/* The traceability report as an Excel workbook (.xlsx), written with libxlsxwriter. */
#ifndef CORE_REPORT_XLSX_H
#define CORE_REPORT_XLSX_H

#include <jansson.h>
#include <stddef.h>

/* The workbook of a report: doc is {"report": the report's JSON, "rows": its records as
 * Spanish texts (plan_report_csv)}. Returns the file's bytes (malloc'd, the caller frees)
 * and their number in *len, or NULL when doc has another shape or writing failed. */
char *report_xlsx(const json_t *doc, size_t *len);

#endif
