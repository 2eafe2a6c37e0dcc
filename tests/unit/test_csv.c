/* Unit tests of the CSV writer: RFC 4180 quoting, CRLF, the BOM, neutralised formulas,
 * UTF-8 kept as is, and rows from JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/csv.h"

/* The CSV text of one field. */
static void
assert_field(const char *in, const char *want)
{
	struct buf b = BUF_INIT;

	csv_field(&b, in, strlen(in));
	assert_string_equal(buf_str(&b), want);
	buf_free(&b);
}

static void
text_fields_are_always_quoted(void **state)
{
	assert_field("Agosto", "\"Agosto\"");
	assert_field("40%", "\"40%\"");
	assert_field("", "\"\"");
	assert_field("con espacios y 'apóstrofo'", "\"con espacios y 'apóstrofo'\"");
	assert_field("a,b", "\"a,b\"");
	assert_field("line\nbreak", "\"line\nbreak\"");
	assert_field("x\r\ny", "\"x\r\ny\"");
}

static void
quotes_are_doubled_inside_a_quoted_field(void **state)
{
	assert_field("say \"hi\"", "\"say \"\"hi\"\"\"");
	assert_field("\"", "\"\"\"\"");
	assert_field("\"\"", "\"\"\"\"\"\"");
	assert_field("Ord. \"038\", 2024", "\"Ord. \"\"038\"\", 2024\"");
}

static void
formula_starts_get_a_leading_apostrophe(void **state)
{
	assert_field("=1+2", "\"'=1+2\"");
	assert_field("+593 2 000", "\"'+593 2 000\"");
	assert_field("-10", "\"'-10\"");
	assert_field("@SUM(A1:A2)", "\"'@SUM(A1:A2)\"");
	assert_field("\tx", "\"'\tx\"");
	assert_field("\rx", "\"'\rx\"");
	assert_field("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
	/* Elsewhere they are text. */
	assert_field("a=b", "\"a=b\"");
	assert_field("Zona - Norte", "\"Zona - Norte\"");
}

/* Issue 17: where a spreadsheet splits on ';' (es-EC), what follows one starts a cell. */
static void
formula_starts_after_a_semicolon_get_an_apostrophe_too(void **state)
{
	assert_field("x;=1+1", "\"x;'=1+1\"");
	assert_field("a;b;@c;-d", "\"a;b;'@c;'-d\"");
	assert_field(";+1", "\";'+1\"");
	assert_field("a; =1", "\"a; =1\"");
}

static void
utf8_is_kept_byte_for_byte(void **state)
{
	assert_field("Dirección Zonal de Hábitat y Obra Pública",
	             "\"Dirección Zonal de Hábitat y Obra Pública\"");
	assert_field("ñandú, 😀", "\"ñandú, 😀\"");
}

static void
embedded_nul_bytes_do_not_cut_a_field(void **state)
{
	struct buf b = BUF_INIT;

	csv_field(&b, "a\0b", 3);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.data, "\"a\0b\"", 5);
	buf_free(&b);
}

static void
rows_end_in_crlf_and_fields_are_comma_separated(void **state)
{
	struct buf b = BUF_INIT;
	const char *const head[] = {"eje", "actividad", "mes"};
	const char *const row[] = {"1. Eje", "a, b", "Agosto"};

	csv_row(&b, head, 3);
	csv_row(&b, row, 3);
	assert_string_equal(buf_str(&b),
	                    "\"eje\",\"actividad\",\"mes\"\r\n\"1. Eje\",\"a, b\",\"Agosto\"\r\n");
	buf_free(&b);
}

static void
the_header_row_is_written_plain(void **state)
{
	struct buf b = BUF_INIT;
	const char *const head[] = {"eje", "actividad", "mes"};

	csv_head(&b, head, 3);
	assert_string_equal(buf_str(&b), "eje,actividad,mes\r\n");
	buf_free(&b);
}

static void
the_bom_is_the_three_utf8_bytes(void **state)
{
	struct buf b = BUF_INIT;
	const char *const f[] = {"x"};

	csv_bom(&b);
	csv_row(&b, f, 1);
	assert_int_equal(b.len, 8);
	assert_memory_equal(b.data, "\xEF\xBB\xBF\"x\"\r\n", 8);
	buf_free(&b);
}

static void
json_rows_become_records(void **state)
{
	struct buf b = BUF_INIT;
	json_t *rows = json_loads("[[\"1. Eje\", \"=cmd\", 40, null], [\"x\\ny\", \"ñ\"], []]", 0,
	                          NULL);

	assert_non_null(rows);
	assert_true(csv_rows_json(&b, rows));
	assert_string_equal(buf_str(&b), "\"1. Eje\",\"'=cmd\",40,\r\n\"x\ny\",\"ñ\"\r\n\r\n");
	json_decref(rows);
	buf_free(&b);
}

static void
json_rows_of_another_shape_are_refused(void **state)
{
	const char *bad[] = {"{}", "[1]", "[[true]]", "[[1.5]]", "[[[\"x\"]]]", "[[{}]]"};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct buf b = BUF_INIT;
		json_t *rows = json_loads(bad[i], JSON_DECODE_ANY, NULL);

		assert_non_null(rows);
		assert_false(csv_rows_json(&b, rows));
		json_decref(rows);
		buf_free(&b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_fields_are_always_quoted),
		cmocka_unit_test(formula_starts_after_a_semicolon_get_an_apostrophe_too),
		cmocka_unit_test(quotes_are_doubled_inside_a_quoted_field),
		cmocka_unit_test(formula_starts_get_a_leading_apostrophe),
		cmocka_unit_test(utf8_is_kept_byte_for_byte),
		cmocka_unit_test(embedded_nul_bytes_do_not_cut_a_field),
		cmocka_unit_test(rows_end_in_crlf_and_fields_are_comma_separated),
		cmocka_unit_test(the_header_row_is_written_plain),
		cmocka_unit_test(the_bom_is_the_three_utf8_bytes),
		cmocka_unit_test(json_rows_become_records),
		cmocka_unit_test(json_rows_of_another_shape_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
