/* CSV for spreadsheets (RFC 4180): quoted fields, CRLF line ends, a UTF-8 byte order
 * mark, and formulas neutralised. Pure: writes into a buf, no I/O. */
#ifndef CORE_CSV_H
#define CORE_CSV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* The UTF-8 byte order mark: spreadsheets read the file as UTF-8 only when it starts so. */
#define CSV_BOM "\xEF\xBB\xBF"

/* Appends the byte order mark (call once, first). */
void csv_bom(struct buf *b);
/* Appends one field of n bytes (no separator). A field that starts with =, +, -, @, tab
 * or CR gets a leading apostrophe, so a spreadsheet shows it instead of running it; a
 * field holding a comma, quote, CR or LF is quoted, its quotes doubled. Bytes are kept
 * as they are (UTF-8 passes through). */
void csv_field(struct buf *b, const char *s, size_t n);
/* Appends a record of n NUL-terminated fields and its CRLF. */
void csv_row(struct buf *b, const char *const *fields, size_t n);
/* Appends one record per element of rows, a JSON array of arrays whose items are strings,
 * integers or null (an empty field). Returns false, having written part of it at most,
 * when rows has any other shape. */
bool csv_rows_json(struct buf *b, const json_t *rows);

#endif
