/* The CSV writer behind the schedule export (GET /plans/{id}/activities as text/csv). */
#include "core/csv.h"

#include <assert.h>
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

/* Every text field is quoted, and a formula start is neutralised at the start and after
 * every ';' (issue 17: "x;=1+1" was a formula where Excel splits on ';', as es-EC does). */
void
csv_field(struct buf *b, const char *s, size_t n)
{
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if ((i == 0 || s[i - 1] == ';') && formula_start(s[i]))
			buf_putc(b, '\'');
		if (s[i] == '"')
			buf_putc(b, '"');
		buf_putc(b, s[i]);
	}
	buf_putc(b, '"');
}

void
csv_head(struct buf *b, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* The service's own names: nothing in them needs quoting or neutralising. */
		assert(strpbrk(names[i], ",\";\r\n") == NULL && !formula_start(names[i][0]));
		if (i)
			buf_putc(b, ',');
		buf_puts(b, names[i]);
	}
	buf_add(b, "\r\n", 2);
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
				/* A number, not text: unquoted, so a spreadsheet reads it as one. */
				snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
				buf_puts(b, num);
			} else if (!json_is_null(v)) {
				return false;
			}
		}
		buf_add(b, "\r\n", 2);
	}
	return true;
}
