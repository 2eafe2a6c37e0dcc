/* Unit tests of the pure core: string building, cursors, body validation, content
 * negotiation. Documents: test_document.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/cursor.h"
#include "core/jsontext.h"
#include "core/validate.h"
#include "core/accept.h"
#include "../fuzz/jsontext_reference.h" /* the oracle the fuzz target uses too */

static void
json_strings_escape_quotes_controls_and_keep_utf8(void **state)
{
	struct buf b = BUF_INIT;

	buf_json_str(&b, "a\"b\\c\n\x01 ñ😀");
	assert_string_equal(buf_str(&b), "\"a\\\"b\\\\c\\n\\u0001 ñ😀\"");
	buf_free(&b);
}

static void
buf_grows_past_its_first_block(void **state)
{
	struct buf b = BUF_INIT;

	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%04d", i);
	assert_int_equal(b.len, 4000);
	assert_memory_equal(b.data + 3996, "0999", 4);
	buf_free(&b);
}

static void
cursor_round_trips(void **state)
{
	char s[CURSOR_MAX];
	int64_t k = 0;
	const int64_t keys[] = {0, 1, 9, 10, 123456, 9007199254740991LL};

	const uint32_t list = cursor_list("/api/v1/plans");

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		cursor_encode(list, keys[i], s);
		assert_true(strlen(s) < CURSOR_MAX);
		assert_true(cursor_decode(s, list, &k));
		assert_int_equal(k, keys[i]);
	}
	cursor_encode(0xFFFFFFFFu, INT64_MAX, s);
	assert_true(cursor_decode(s, 0xFFFFFFFFu, &k));
	assert_true(k == INT64_MAX);
}

static void
cursor_of_another_list_is_refused(void **state)
{
	char s[CURSOR_MAX];
	int64_t k = 0;

	cursor_encode(cursor_list("/api/v1/me/observations"), 42, s);
	assert_false(cursor_decode(s, cursor_list("/api/v1/plans"), &k));
	assert_true(cursor_decode(s, cursor_list("/api/v1/me/observations"), &k));
	assert_int_equal(k, 42);
	assert_true(cursor_list("/api/v1/plans") != cursor_list("/api/v1/units"));
}

static void
cursor_rejects_what_it_did_not_make(void **state)
{
	int64_t k;
	const uint32_t l = 0x0000abcd;

	assert_false(cursor_decode("", l, &k));
	assert_false(cursor_decode("12", l, &k));
	assert_false(cursor_decode("!!!!", l, &k));
	assert_false(cursor_decode("djE6MTI", l, &k));                        /* "v1:12" (no list) */
	assert_false(cursor_decode("djE6MDAwMGFiY2Q6LTE", l, &k));            /* "v1:0000abcd:-1" */
	assert_false(cursor_decode("djI6MDAwMGFiY2Q6MTI", l, &k));            /* "v2:0000abcd:12" */
	assert_false(cursor_decode("djE6MDAwMGFiY2Q6MTJh", l, &k));           /* "v1:0000abcd:12a" */
	assert_false(cursor_decode("djE6MDAwMGFiY2Q6OTk5OTk5OTk5OTk5OTk5OTk5OTk5", l, &k));
	                                                          /* "v1:0000abcd:999…" overflow */
	assert_true(cursor_decode("djE6MDAwMGFiY2Q6MTI", l, &k));             /* "v1:0000abcd:12" */
	assert_int_equal(k, 12);
}

static void
trimmed_length_counts_characters_not_bytes(void **state)
{
	assert_int_equal(utf8_trimmed_len("  áéí \n"), 3);
	assert_int_equal(utf8_trimmed_len("😀"), 1);
	assert_int_equal(utf8_trimmed_len(" \t\r\n"), 0);
}

static void
utf8_check_rejects_overlong_surrogates_and_controls(void **state)
{
	assert_true(utf8_text_ok("ñandú\tok\r\n", strlen("ñandú\tok\r\n")));
	assert_false(utf8_text_ok("\xC0\xAF", 2));          /* overlong '/' */
	assert_false(utf8_text_ok("\xED\xA0\x80", 3));      /* surrogate */
	assert_false(utf8_text_ok("\xF4\x90\x80\x80", 4));  /* above U+10FFFF */
	assert_false(utf8_text_ok("a\x07", 2));             /* bell */
	assert_false(utf8_text_ok("\xE2\x82", 2));          /* truncated */
}

static const char *const kinds[] = {"observation", "contribution", NULL};
static const struct field fields[] = {
	{"kind", F_STRING, F_REQUIRED, 0, 0, kinds},
	{"body", F_STRING, F_REQUIRED, 3, 10, NULL},
	{"month", F_INT, 0, 1, 12, NULL},
	{"url", F_URL, F_NULLABLE, 0, 0, NULL},
	{"ids", F_INT_ARRAY, 0, 1, 3, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

static size_t
errors_of(const char *json, struct verr *v)
{
	json_t *j = json_loads(json, 0, NULL);

	assert_non_null(j);
	verr_init(v);
	validate_object(j, fields, "", v);
	json_decref(j);
	return verr_count(v);
}

static const char *
pointer_at(struct verr *v, size_t i)
{
	return json_string_value(json_object_get(json_array_get(v->en, i), "pointer"));
}

static void
validation_accepts_a_good_body(void **state)
{
	struct verr v;

	assert_int_equal(errors_of("{\"kind\":\"observation\",\"body\":\"  abc  \",\"month\":12,"
	                           "\"url\":\"https://x.ec/a\",\"ids\":[1,2]}", &v), 0);
	verr_free(&v);
}

static void
validation_reports_every_bad_field_with_its_pointer(void **state)
{
	struct verr v;

	assert_int_equal(errors_of("{\"kind\":\"other\",\"body\":\" ab \",\"month\":13,"
	                           "\"url\":\"javascript:alert(1)\",\"ids\":[1,\"x\"],\"a/b\":1}", &v), 6);
	assert_string_equal(pointer_at(&v, 0), "/kind");
	assert_string_equal(pointer_at(&v, 1), "/body");
	assert_string_equal(pointer_at(&v, 2), "/month");
	assert_string_equal(pointer_at(&v, 3), "/url");
	assert_string_equal(pointer_at(&v, 4), "/ids/1");
	assert_string_equal(pointer_at(&v, 5), "/a~1b");
	verr_free(&v);
}

static void
validation_reports_missing_required_fields_and_wrong_types(void **state)
{
	struct verr v;

	assert_int_equal(errors_of("{\"month\":\"5\"}", &v), 3);
	assert_string_equal(pointer_at(&v, 0), "/month");
	assert_string_equal(pointer_at(&v, 1), "/kind");
	assert_string_equal(pointer_at(&v, 2), "/body");
	verr_free(&v);
	assert_int_equal(errors_of("{\"kind\":\"observation\",\"body\":\"abcd\",\"url\":null,"
	                           "\"month\":null}", &v), 1);
	assert_string_equal(pointer_at(&v, 0), "/month");
	verr_free(&v);
}

static void
validation_rejects_a_non_object(void **state)
{
	struct verr v;
	json_t *j = json_loads("[1]", 0, NULL);

	verr_init(&v);
	assert_false(validate_object(j, fields, "", &v));
	assert_int_equal(verr_count(&v), 1);
	json_decref(j);
	verr_free(&v);
}

static void
compacting_drops_space_outside_strings_only(void **state)
{
	char s[] = "{\"a b\" : 1, \"c\" : [1, \n 2], \"d\" : \"x \\\" y \", \"e\" : {}}";
	size_t n = json_compact(s);

	assert_string_equal(s, "{\"a b\":1,\"c\":[1,2],\"d\":\"x \\\" y \",\"e\":{}}");
	assert_int_equal(n, strlen(s));
}

static void
compacting_agrees_with_the_byte_by_byte_definition(void **state)
{
	static const char alphabet[] = "\"\\ \n\r\tab{}:,[]1";
	unsigned seed = 12345;
	char a[200], b[200];

	for (int round = 0; round < 20000; round++) {
		size_t len = (size_t)(round % 199);

		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			a[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		a[len] = '\0';
		memcpy(b, a, len + 1);
		assert_int_equal(json_compact(a), json_compact_reference(b));
		assert_string_equal(a, b);
	}
}

static void
language_follows_the_clients_preference(void **state)
{
	assert_int_equal(accept_language(NULL), LANG_ES);
	assert_int_equal(accept_language("en"), LANG_EN);
	assert_int_equal(accept_language("en-US,en;q=0.9"), LANG_EN);
	assert_int_equal(accept_language("es-EC, en;q=0.8"), LANG_ES);
	assert_int_equal(accept_language("es;q=0.5, en;q=0.9"), LANG_EN);
	assert_int_equal(accept_language("fr, en;q=0.1"), LANG_EN);
	assert_int_equal(accept_language("fr, de"), LANG_ES);
	assert_int_equal(accept_language("en;q=0"), LANG_ES);
	assert_int_equal(accept_language("eng"), LANG_ES);
}

static void
gzip_is_sent_only_when_accepted(void **state)
{
	assert_false(accept_gzip(NULL));
	assert_false(accept_gzip(""));
	assert_true(accept_gzip("gzip"));
	assert_true(accept_gzip("gzip, deflate, br, zstd"));
	assert_true(accept_gzip("br;q=1.0, GZIP;q=0.5"));
	assert_true(accept_gzip("*"));
	assert_false(accept_gzip("identity"));
	assert_false(accept_gzip("gzip;q=0"));
	assert_false(accept_gzip("gzip;q=0, *"));
	assert_false(accept_gzip("gzip;q=2"));
	assert_false(accept_gzip("gzipx, x-gzip2"));
}

static void
media_follows_the_most_specific_range_and_its_weight(void **state)
{
	static const char *const types[] = {"application/json", "text/csv"};

	assert_int_equal(accept_media(NULL, types, 2), 0);
	assert_int_equal(accept_media("  ", types, 2), 0);
	assert_int_equal(accept_media("text/csv", types, 2), 1);
	assert_int_equal(accept_media("*/*", types, 2), 0);
	assert_int_equal(accept_media("text/*, application/json;q=0.5", types, 2), 1);
	assert_int_equal(accept_media("text/*;q=0.2, */*;q=0.9", types, 2), 0);
	assert_int_equal(accept_media("text/csv;q=0, */*", types, 2), 0);
	assert_int_equal(accept_media("TEXT/CSV;charset=utf-8;q=1.0", types, 2), 1);
	assert_int_equal(accept_media("image/png", types, 2), -1);
	assert_int_equal(accept_media("text/csv;q=2", types, 2), -1);
	assert_int_equal(accept_media("application/json;q=0", types, 2), -1);
}

static void
qvalues_are_read_exactly(void **state)
{
	assert_int_equal(accept_qvalue("1", 1), 1000);
	assert_int_equal(accept_qvalue("0.5", 3), 500);
	assert_int_equal(accept_qvalue("0.125", 5), 125);
	assert_int_equal(accept_qvalue("1.000", 5), 1000);
	assert_int_equal(accept_qvalue("1.001", 5), -1);
	assert_int_equal(accept_qvalue("0.1234", 6), -1);
	assert_int_equal(accept_qvalue("x", 1), -1);
	assert_int_equal(accept_qvalue("", 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_strings_escape_quotes_controls_and_keep_utf8),
		cmocka_unit_test(buf_grows_past_its_first_block),
		cmocka_unit_test(cursor_round_trips),
		cmocka_unit_test(cursor_rejects_what_it_did_not_make),
		cmocka_unit_test(cursor_of_another_list_is_refused),
		cmocka_unit_test(trimmed_length_counts_characters_not_bytes),
		cmocka_unit_test(utf8_check_rejects_overlong_surrogates_and_controls),
		cmocka_unit_test(validation_accepts_a_good_body),
		cmocka_unit_test(validation_reports_every_bad_field_with_its_pointer),
		cmocka_unit_test(validation_reports_missing_required_fields_and_wrong_types),
		cmocka_unit_test(validation_rejects_a_non_object),
		cmocka_unit_test(compacting_drops_space_outside_strings_only),
		cmocka_unit_test(compacting_agrees_with_the_byte_by_byte_definition),
		cmocka_unit_test(language_follows_the_clients_preference),
		cmocka_unit_test(gzip_is_sent_only_when_accepted),
		cmocka_unit_test(media_follows_the_most_specific_range_and_its_weight),
		cmocka_unit_test(qvalues_are_read_exactly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
