/* libFuzzer target for service/core/csv.c (with core/buf.c).
 *
 * 1. csv_field on the whole input (NUL bytes included) and csv_row on the input split at
 *    its NUL bytes (at most 64 fields); the output is read back with an RFC 4180 parser
 *    written here and must give exactly the fields written, with an apostrophe before
 *    = + - @ tab or CR at a field's start or after a ';', and end with CRLF.
 * 2. csv_rows_json on the input parsed as JSON: it returns true exactly when the value is
 *    an array of arrays of strings, integers and nulls, and then the text reads back as
 *    one record per row (integers in decimal, null as an empty field).
 * The byte order mark is checked once per input. Any mismatch aborts. */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/csv.h"
#include "fuzz_check.h"

#define MAX_FIELDS 64

/* One field read back: bytes and length (not NUL-terminated). */
struct rfield {
	char *p;
	size_t n;
};

static void
free_fields(struct rfield *f, int n)
{
	for (int i = 0; i < n; i++)
		free(f[i].p);
}

/* Reads one CRLF-terminated record of text[*pos..len) into f (at most max fields, each
 * malloc'd); returns the field count, or -1 (nothing kept) if the text is not RFC 4180. */
static int
read_record(const char *text, size_t len, size_t *pos, struct rfield *f, int max)
{
	size_t i = *pos;
	int nf = 0;

	for (;;) {
		char *buf = malloc(len - i + 1);
		size_t n = 0;

		if (buf == NULL || nf == max) {
			free(buf);
			free_fields(f, nf);
			return -1;
		}
		if (i < len && text[i] == '"') {
			for (i++;; i++) {
				if (i >= len) {
					free(buf);
					free_fields(f, nf);
					return -1;
				}
				if (text[i] == '"') {
					if (i + 1 < len && text[i + 1] == '"') {
						buf[n++] = '"';
						i++;
						continue;
					}
					i++;
					break;
				}
				buf[n++] = text[i];
			}
		} else {
			while (i < len && text[i] != ',' && text[i] != '\r' && text[i] != '\n' &&
			       text[i] != '"')
				buf[n++] = text[i++];
		}
		f[nf].p = buf;
		f[nf].n = n;
		nf++;
		if (i < len && text[i] == ',') {
			i++;
			continue;
		}
		if (i + 1 < len && text[i] == '\r' && text[i + 1] == '\n') {
			*pos = i + 2;
			return nf;
		}
		free_fields(f, nf);
		return -1;
	}
}

static bool
formula_start(char ch)
{
	return ch == '=' || ch == '+' || ch == '-' || ch == '@' || ch == '\t' || ch == '\r';
}

/* What csv_field promises to keep: the bytes, with an apostrophe before a formula start
 * at the beginning or after a ';'. */
static bool
same_field(const struct rfield *got, const char *s, size_t n)
{
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		if ((i == 0 || s[i - 1] == ';') && formula_start(s[i])) {
			if (j >= got->n || got->p[j] != '\'')
				return false;
			j++;
		}
		if (j >= got->n || got->p[j] != s[i])
			return false;
		j++;
	}
	return j == got->n;
}

static void
check_fields(const uint8_t *data, size_t size)
{
	struct buf b = BUF_INIT;
	struct rfield got[MAX_FIELDS + 1];
	const char *fields[MAX_FIELDS];
	char *copy = malloc(size + 1);
	size_t nfields = 0, pos, len;
	int n;

	if (copy == NULL)
		return;
	/* one field, any bytes: quoted or not, it reads back as itself */
	csv_field(&b, (const char *)data, size);
	buf_add(&b, "\r\n", 2);
	CHECK(!b.oom);
	pos = 0;
	n = read_record(buf_str(&b), b.len, &pos, got, MAX_FIELDS);
	CHECK(n == 1 && pos == b.len);
	CHECK(same_field(&got[0], (const char *)data, size));
	free_fields(got, n);
	buf_free(&b);

	/* a record of the NUL-separated pieces */
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (size_t i = 0; nfields < MAX_FIELDS;) {
		fields[nfields++] = copy + i;
		i += strlen(copy + i) + 1;
		if (i > size)
			break;
	}
	csv_bom(&b);
	csv_row(&b, fields, nfields);
	CHECK(!b.oom);
	len = strlen(CSV_BOM);
	CHECK(b.len >= len && memcmp(buf_str(&b), CSV_BOM, len) == 0);
	pos = len;
	n = read_record(buf_str(&b), b.len, &pos, got, MAX_FIELDS);
	CHECK(n == (int)nfields && pos == b.len);
	for (size_t i = 0; i < nfields; i++)
		CHECK(same_field(&got[i], fields[i], strlen(fields[i])));
	free_fields(got, n);
	buf_free(&b);
	free(copy);
}

/* True if rows is an array of arrays of strings, integers and nulls. */
static bool
rows_shape(const json_t *rows)
{
	size_t i, j;
	json_t *row, *v;

	if (!json_is_array(rows))
		return false;
	json_array_foreach(rows, i, row) {
		if (!json_is_array(row))
			return false;
		json_array_foreach(row, j, v)
			if (!json_is_string(v) && !json_is_integer(v) && !json_is_null(v))
				return false;
	}
	return true;
}

static void
check_rows(const json_t *rows)
{
	struct buf b = BUF_INIT;
	struct rfield got[MAX_FIELDS + 1];
	bool ok = csv_rows_json(&b, rows);
	size_t i, j, pos = 0;
	json_t *row, *v;
	char num[32];

	CHECK(ok == rows_shape(rows));
	if (!ok) {
		buf_free(&b);
		return;
	}
	CHECK(!b.oom);
	json_array_foreach(rows, i, row) {
		size_t want = json_array_size(row);
		int n;

		if (want > MAX_FIELDS) /* too wide to read back here: skip the rest */
			break;
		n = read_record(buf_str(&b), b.len, &pos, got, MAX_FIELDS);
		/* an empty row is written as an empty line: one empty field */
		CHECK(n >= 0 && (size_t)n == (want ? want : 1));
		json_array_foreach(row, j, v) {
			if (json_is_string(v)) {
				CHECK(same_field(&got[j], json_string_value(v), json_string_length(v)));
			} else if (json_is_integer(v)) {
				snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
				/* a number is written as it is, unquoted */
				CHECK(got[j].n == strlen(num) && memcmp(got[j].p, num, got[j].n) == 0);
			} else {
				CHECK(got[j].n == 0);
			}
		}
		if (want == 0)
			CHECK(got[0].n == 0);
		free_fields(got, n);
		if (i + 1 == json_array_size(rows))
			CHECK(pos == b.len);
	}
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *rows;

	check_fields(data, size);
	rows = json_loadb((const char *)data, size, JSON_ALLOW_NUL, NULL);
	if (rows) {
		check_rows(rows);
		json_decref(rows);
	}
	return 0;
}
