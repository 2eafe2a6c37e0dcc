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
/* Appends one text field of n bytes (no separator), always quoted, its quotes doubled.
 * An =, +, -, @, tab or CR at its start or after a ';' gets an apostrophe before it, so a
 * spreadsheet (also one splitting on ';') shows it instead of running it. Bytes are kept
 * as they are (UTF-8 passes through). */
void csv_field(struct buf *b, const char *s, size_t n);
/* Appends the header row: n names of the service's own (no comma, quote, ';', line end
 * or formula start), unquoted, and its CRLF. */
void csv_head(struct buf *b, const char *const *names, size_t n);
/* Appends a record of n NUL-terminated fields and its CRLF. */
void csv_row(struct buf *b, const char *const *fields, size_t n);
/* Appends one record per element of rows, a JSON array of arrays whose items are strings,
 * integers or null (an empty field). Returns false, having written part of it at most,
 * when rows has any other shape. */
bool csv_rows_json(struct buf *b, const json_t *rows);

#endif
