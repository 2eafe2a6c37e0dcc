/* The CSV writer behind the schedule export (GET /plans/{id}/activities as text/csv). */
#include "core/csv.h"

#include <stdio.h>
#include <string.h>

#include "core/limits.h"

void
csv_bom(struct buf *b)
{
	buf_puts(b, CSV_BOM);
}

/* True for what a spreadsheet would take as the start of a formula (OWASP's list). */
static bool
formula_start(char ch)
{
	return ch == '=' || ch == '+' || ch == '-' || ch == '@' || ch == '\t' || ch == '\r';
}

void
csv_field(struct buf *b, const char *s, size_t n)
{
	bool quote = false;

	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (quote)
		buf_putc(b, '"');
	if (n > 0 && formula_start(s[0]))
		buf_putc(b, '\'');
	for (size_t i = 0; i < n; i++) {
		const char *q = quote ? memchr(s + i, '"', n - i) : NULL;
		size_t run = q ? (size_t)(q - (s + i)) : n - i;

		buf_add(b, s + i, run);
		i += run;
		if (q)
			buf_add(b, "\"\"", 2);
	}
	if (quote)
		buf_putc(b, '"');
}

void
csv_row(struct buf *b, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ',');
		csv_field(b, fields[i], strlen(fields[i]));
	}
	buf_add(b, "\r\n", 2);
}

bool
csv_rows_json(struct buf *b, const json_t *rows)
{
	const json_t *row, *v;
	size_t i, j;
	char num[INT_TEXT_MAX];

	if (!json_is_array(rows))
		return false;
	json_array_foreach(rows, i, row) {
		if (!json_is_array(row))
			return false;
		json_array_foreach(row, j, v) {
			if (j)
				buf_putc(b, ',');
			if (json_is_string(v)) {
				csv_field(b, json_string_value(v), json_string_length(v));
			} else if (json_is_integer(v)) {
				snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
				csv_field(b, num, strlen(num));
			} else if (!json_is_null(v)) {
				return false;
			}
		}
		buf_add(b, "\r\n", 2);
	}
	return true;
}
