/* libFuzzer target for service/core/validate.c (with text.c and address.c).
 *
 * Every input is used four ways:
 *   1. parsed as a request body (json_loadb with JSON_REJECT_DUPLICATES, as the service
 *      does) and checked with validate_object against a table with every field type and
 *      flag, under two prefixes; each member, and each item of a top-level array, is also
 *      checked with validate_value against every field of the table;
 *   2. utf8_text_ok on the raw bytes, compared with an independent UTF-8 decoder;
 *   3. utf8_trimmed_len on the bytes up to the first NUL, compared with the same decoder;
 *   4. json_pointer_join with a buffer of exactly n bytes (ASan sees any overrun), the
 *      prefix, name and n taken from the input, compared with a plain RFC 6901 escape.
 * Invariants (abort when broken): a validator returns false exactly when it added at
 * least one error; the Spanish and English lists have the same length; every error has a
 * pointer under the prefix and a message; every unknown member and every missing
 * required one has its own error at its pointer. */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "fuzz_check.h"

static const char *const kinds[] = {"observation", "contribution", NULL};
static const char *const roles[] = {"ciudadanos", "directores", "administradora", NULL};

/* The request-body shapes of the service in one table: every type, both flags. */
static const struct field table[] = {
	{"title", F_STRING, F_REQUIRED, 1, 300, NULL},
	{"process", F_STRING, 0, 0, 300, NULL},
	{"description", F_STRING, F_NULLABLE, 0, 5000, NULL},
	{"kind", F_STRING, F_REQUIRED, 0, 0, kinds},
	{"role", F_STRING, 0, 0, 0, roles},
	{"year", F_INT, F_REQUIRED, 2000, 2100, NULL},
	{"unit_id", F_INT, F_NULLABLE, 1, 9007199254740991LL, NULL},
	{"disabled", F_BOOL, 0, 0, 0, NULL},
	{"evidence_url", F_URL, F_NULLABLE, 0, 0, NULL},
	{"email", F_EMAIL, 0, 0, 0, NULL},
	{"unit_ids", F_INT_ARRAY, 0, 1, 50, NULL},
	{"observation_ids", F_INT_ARRAY, 0, 0, 200, NULL},
	{"elaborated_by", F_PERSON, F_NULLABLE, 0, 0, NULL},
	{"password", F_ANY, 0, 0, 0, NULL},
	{NULL, F_ANY, 0, 0, 0, NULL},
};

/* Checks the error lists after a validator added errors from `before` on. */
static void
check_errors(const struct verr *v, size_t before, bool ok, const char *prefix)
{
	size_t n = verr_count(v), plen = strlen(prefix);

	CHECK(json_is_array(v->es) && json_is_array(v->en));
	CHECK(json_array_size(v->es) == json_array_size(v->en));
	/* false exactly when something was reported: a lost error is a bug */
	CHECK(ok == (n == before));
	for (size_t i = before; i < n; i++) {
		for (int lang = 0; lang < 2; lang++) {
			json_t *e = json_array_get(lang ? v->en : v->es, i);
			const char *p = json_string_value(json_object_get(e, "pointer"));
			const char *m = json_string_value(json_object_get(e, "message"));

			CHECK(p != NULL && m != NULL && *m != '\0');
			CHECK(strncmp(p, prefix, plen) == 0);
		}
	}
}

/* True if the English errors from `before` on include message at pointer ptr. */
static bool
reported(const struct verr *v, size_t before, const char *ptr, const char *message)
{
	for (size_t i = before; i < verr_count(v); i++) {
		json_t *e = json_array_get(v->en, i);

		if (strcmp(json_string_value(json_object_get(e, "pointer")), ptr) == 0 &&
		    strcmp(json_string_value(json_object_get(e, "message")), message) == 0)
			return true;
	}
	return false;
}

/* Each unknown member and each missing required one has its own error. */
static void
check_members(const json_t *obj, const char *prefix, const struct verr *v, size_t before)
{
	char ptr[256];
	const char *key;
	json_t *val;

	if (!json_is_object(obj))
		return;
	json_object_foreach((json_t *)obj, key, val) {
		const struct field *f = table;

		while (f->name && strcmp(f->name, key) != 0)
			f++;
		json_pointer_join(ptr, sizeof ptr, prefix, key);
		if (f->name == NULL && !reported(v, before, ptr, "is not a known field")) {
			fprintf(stderr, "fuzz_validate: invariant broken: "
			        "no error for the unknown member at \"%s\"\n", ptr);
			abort();
		}
	}
	for (const struct field *f = table; f->name; f++) {
		json_pointer_join(ptr, sizeof ptr, prefix, f->name);
		if ((f->flags & F_REQUIRED) && json_object_get(obj, f->name) == NULL)
			CHECK(reported(v, before, ptr, "is required"));
	}
}

static void
validate_json(const json_t *root)
{
	static const char *const prefixes[] = {"", "/axes/0/activities/12"};
	struct verr v;
	const char *key;
	json_t *val;
	size_t before, i;
	bool ok;

	verr_init(&v);
	for (size_t p = 0; p < 2; p++) {
		before = verr_count(&v);
		ok = validate_object(root, table, prefixes[p], &v);
		check_errors(&v, before, ok, prefixes[p]);
		check_members(root, prefixes[p], &v, before);
	}
	if (json_is_object(root)) {
		json_object_foreach((json_t *)root, key, val) {
			for (const struct field *f = table; f->name; f++) {
				before = verr_count(&v);
				ok = validate_value(val, f, "/x", &v);
				check_errors(&v, before, ok, "/x");
			}
		}
	} else if (json_is_array(root)) {
		json_array_foreach(root, i, val) {
			if (i >= 64)
				break;
			for (const struct field *f = table; f->name; f++) {
				before = verr_count(&v);
				ok = validate_value(val, f, "", &v);
				check_errors(&v, before, ok, "");
			}
		}
	}
	verr_free(&v);
}

/* An independent UTF-8 decoder (Unicode 15, table 3-7): returns the length of the
 * well-formed sequence at p (at most n bytes) and its code point, or 0. */
static size_t
ref_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char b = p[0];

	if (b <= 0x7F) {
		*cp = b;
		return 1;
	}
	if (b >= 0xC2 && b <= 0xDF && n >= 2 && p[1] >= 0x80 && p[1] <= 0xBF) {
		*cp = ((uint32_t)(b - 0xC0) << 6) | (p[1] - 0x80u);
		return 2;
	}
	if (b >= 0xE0 && b <= 0xEF && n >= 3) {
		unsigned char lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;

		if (p[1] >= lo && p[1] <= hi && p[2] >= 0x80 && p[2] <= 0xBF) {
			*cp = ((uint32_t)(b - 0xE0) << 12) | ((uint32_t)(p[1] - 0x80) << 6) |
			      (p[2] - 0x80u);
			return 3;
		}
		return 0;
	}
	if (b >= 0xF0 && b <= 0xF4 && n >= 4) {
		unsigned char lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;

		if (p[1] >= lo && p[1] <= hi && p[2] >= 0x80 && p[2] <= 0xBF && p[3] >= 0x80 &&
		    p[3] <= 0xBF) {
			*cp = ((uint32_t)(b - 0xF0) << 18) | ((uint32_t)(p[1] - 0x80) << 12) |
			      ((uint32_t)(p[2] - 0x80) << 6) | (p[3] - 0x80u);
			return 4;
		}
	}
	return 0;
}

/* What utf8_text_ok promises: well-formed, no C0 control but tab/LF/CR, no DEL. */
static bool
ref_text_ok(const unsigned char *p, size_t n)
{
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		len = ref_decode(p + i, n - i, &cp);
		if (len == 0)
			return false;
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F)
			return false;
		i += len;
	}
	return true;
}

/* The blanks as the contract states them: Unicode's White_Space property (PropList.txt),
 * plus U+200B and U+FEFF, written here as ranges independently of core/text.c's list. */
static bool
ref_blank(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 ||
	       cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

static void
check_utf8(const uint8_t *data, size_t size)
{
	bool ok = utf8_text_ok((const char *)data, size);
	size_t z = strnlen((const char *)data, size), a = 0, b, count = 0, len;
	char *s = malloc(z + 1);
	uint32_t cp;

	CHECK(ok == ref_text_ok(data, size));
	if (s == NULL)
		return;
	memcpy(s, data, z);
	s[z] = '\0';
	len = utf8_trimmed_len(s);
	CHECK(len <= z);
	/* on valid text it counts the code points between the outer blanks */
	if (ref_text_ok((const unsigned char *)s, z)) {
		size_t last = 0;   /* code points up to the last one that is not blank */
		bool leading = true;

		b = 0;
		while (a < z) {
			a += ref_decode((const unsigned char *)s + a, z - a, &cp);
			if (leading && ref_blank(cp))
				continue;
			leading = false;
			b++;
			if (!ref_blank(cp))
				last = b;
		}
		count = last;
		CHECK(len == count);
	}
	free(s);
}

static void
check_pointer_join(const uint8_t *data, size_t size)
{
	size_t n, plen, nlen, elen = 0;
	const char *prefix, *name, *nul;
	char *pre, *nm, *exp, *out;

	if (size < 1)
		return;
	n = 1 + data[0] % 300; /* the service passes 256 or 300 */
	data++, size--;
	nul = memchr(data, '\0', size);
	plen = nul ? (size_t)(nul - (const char *)data) : size / 3;
	prefix = (const char *)data;
	name = prefix + plen + (nul != NULL);
	nlen = size - plen - (nul != NULL);
	pre = dup_bytes(prefix, plen);
	nm = dup_bytes(name, nlen);
	exp = malloc(plen + 2 + 2 * nlen + 1);
	out = malloc(n);
	if (!pre || !nm || !exp || !out)
		goto out;
	elen = (size_t)sprintf(exp, "%s/", pre);
	for (const char *c = nm; *c; c++) {
		if (*c == '~')
			elen += (size_t)sprintf(exp + elen, "~0");
		else if (*c == '/')
			elen += (size_t)sprintf(exp + elen, "~1");
		else
			exp[elen++] = *c;
	}
	exp[elen] = '\0';
	memset(out, 'X', n);
	json_pointer_join(out, n, pre, nm);
	CHECK(memchr(out, '\0', n) != NULL);          /* terminated inside the buffer */
	CHECK(strncmp(out, exp, strlen(out)) == 0);   /* a prefix of the right result */
	if (strlen(exp) + 3 <= n)                     /* and all of it when it fits */
		CHECK(strcmp(out, exp) == 0);
out:
	free(pre);
	free(nm);
	free(exp);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);

	if (root) {
		validate_json(root);
		json_decref(root);
	}
	check_utf8(data, size);
	check_pointer_join(data, size);
	return 0;
}
