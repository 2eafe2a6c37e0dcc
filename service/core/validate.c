/* Table-driven validation of JSON request bodies. */
#include "core/validate.h"

#include "core/address.h"
#include "core/text.h"

#include <stdio.h>
#include <string.h>

void
verr_init(struct verr *v)
{
	v->es = json_array();
	v->en = json_array();
}

void
verr_add(struct verr *v, const char *pointer, const char *es, const char *en)
{
	/* A pointer is built from client text: if it is not valid UTF-8 the error must still
	 * be reported (an error dropped here would let a bad document through). */
	if (!utf8_valid(pointer, strlen(pointer)))
		pointer = "";
	json_array_append_new(v->es, json_pack("{s:s,s:s}", "pointer", pointer, "message", es));
	json_array_append_new(v->en, json_pack("{s:s,s:s}", "pointer", pointer, "message", en));
}

size_t
verr_count(const struct verr *v)
{
	return json_array_size(v->es);
}

void
verr_free(struct verr *v)
{
	json_decref(v->es);
	json_decref(v->en);
	v->es = v->en = NULL;
}

void
json_pointer_join(char *out, size_t n, const char *prefix, const char *name)
{
	size_t k = (size_t)snprintf(out, n, "%s/", prefix);
	const unsigned char *p = (const unsigned char *)name;

	if (k >= n) {
		/* never end inside a UTF-8 character of the prefix */
		k = n - 1;
		while (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
			k--;
		if (k > 0 && ((unsigned char)out[k - 1] & 0x80))
			k--;
		out[k] = '\0';
		return;
	}
	while (*p) {
		size_t len = 1;

		if (*p == '~' || *p == '/') {
			if (k + 2 >= n)
				break;
			out[k++] = '~';
			out[k++] = *p == '~' ? '0' : '1';
			p++;
			continue;
		}
		/* Copy whole UTF-8 characters only: a pointer cut mid-character is not text. */
		while (p[len] && (p[len] & 0xC0) == 0x80)
			len++;
		if (k + len >= n)
			break;
		memcpy(out + k, p, len);
		k += len;
		p += len;
	}
	out[k] = '\0';
}

static bool
bad(struct verr *v, const char *ptr, const char *es, const char *en)
{
	verr_add(v, ptr, es, en);
	return false;
}

/* A length, number or count outside f's range: "<verb> between min and max<unit>", in
 * Spanish and English. */
static bool
bad_range(struct verr *v, const char *ptr, const struct field *f, const char *es_verb,
          const char *en_verb, const char *es_unit, const char *en_unit)
{
	char es[160], en[160];

	snprintf(es, sizeof es, "%s entre %lld y %lld%s", es_verb, (long long)f->min,
	         (long long)f->max, es_unit);
	snprintf(en, sizeof en, "%s between %lld and %lld%s", en_verb, (long long)f->min,
	         (long long)f->max, en_unit);
	return bad(v, ptr, es, en);
}

static bool
check_string(const json_t *val, const struct field *f, const char *ptr, struct verr *v)
{
	const char *s = json_string_value(val);
	size_t n = utf8_trimmed_len(s);

	if (!utf8_text_ok(s, json_string_length(val)))
		return bad(v, ptr, "contiene caracteres de control no permitidos",
		           "contains control characters that are not allowed");
	/* Issue 17: a right-to-left override in a name shows it other than it is stored. */
	if ((f->flags & F_NAME) && utf8_has_bidi_control(s, json_string_length(val)))
		return bad(v, ptr, "contiene caracteres de control de dirección del texto",
		           "contains bidirectional control characters");
	if (f->choices) {
		for (const char *const *c = f->choices; *c; c++)
			if (strcmp(s, *c) == 0)
				return true;
		return bad(v, ptr, "no es un valor permitido", "is not an allowed value");
	}
	if (f->max > 0 && ((int64_t)n < f->min || (int64_t)n > f->max))
		return bad_range(v, ptr, f, "debe tener", "must have", " caracteres", " characters");
	return true;
}

bool
validate_value(const json_t *val, const struct field *f, const char *ptr, struct verr *v)
{
	char sub[256];
	size_t i;
	json_t *item;
	bool ok = true;

	if (json_is_null(val)) {
		if (f->flags & F_NULLABLE)
			return true;
		return bad(v, ptr, "no puede ser nulo", "must not be null");
	}
	if ((f->type == F_STRING || f->type == F_URL || f->type == F_EMAIL) && !json_is_string(val))
		return bad(v, ptr, "debe ser un texto", "must be a string");
	switch (f->type) {
	case F_STRING:
		return check_string(val, f, ptr, v);
	case F_URL:
		if (json_string_length(val) > 2000 || !url_ok(json_string_value(val), false))
			return bad(v, ptr, "debe ser una URL http o https",
			           "must be an http or https URL");
		return true;
	case F_EMAIL:
		if (json_string_length(val) > 254 || !email_ok(json_string_value(val)))
			return bad(v, ptr, "debe ser un correo electrónico válido",
			           "must be a valid email address");
		return true;
	case F_INT:
		if (!json_is_integer(val))
			return bad(v, ptr, "debe ser un número entero", "must be an integer");
		if (json_integer_value(val) < f->min || json_integer_value(val) > f->max)
			return bad_range(v, ptr, f, "debe estar", "must be", "", "");
		return true;
	case F_BOOL:
		if (!json_is_boolean(val))
			return bad(v, ptr, "debe ser verdadero o falso", "must be true or false");
		return true;
	case F_INT_ARRAY:
		if (!json_is_array(val))
			return bad(v, ptr, "debe ser una lista", "must be an array");
		if ((int64_t)json_array_size(val) < f->min || (int64_t)json_array_size(val) > f->max)
			return bad_range(v, ptr, f, "debe tener", "must have", " elementos", " items");
		json_array_foreach(val, i, item) {
			snprintf(sub, sizeof sub, "%s/%zu", ptr, i);
			if (!json_is_integer(item) || json_integer_value(item) < 1 ||
			    json_integer_value(item) > INT64_MAX / 2)
				ok = bad(v, sub, "debe ser un identificador", "must be an id");
		}
		return ok;
	case F_PERSON: {
		static const struct field person[] = {
			{"name", F_STRING, F_REQUIRED | F_NAME, 1, 200, NULL},
			{"position", F_STRING, F_REQUIRED | F_NAME, 1, 200, NULL},
			{NULL, F_ANY, 0, 0, 0, NULL},
		};
		return validate_object(val, person, ptr, v);
	}
	case F_ANY:
		return true;
	}
	return true;
}

bool
validate_object(const json_t *obj, const struct field *fields, const char *prefix,
                struct verr *v)
{
	const char *key;
	json_t *val;
	char ptr[256];
	bool ok = true;

	if (!json_is_object(obj)) {
		verr_add(v, prefix, "debe ser un objeto JSON", "must be a JSON object");
		return false;
	}
	json_object_foreach((json_t *)obj, key, val) {
		const struct field *f = fields;

		while (f->name && strcmp(f->name, key) != 0)
			f++;
		json_pointer_join(ptr, sizeof ptr, prefix, key);
		if (f->name == NULL)
			ok = bad(v, ptr, "no es un campo conocido", "is not a known field");
		else if (!validate_value(val, f, ptr, v))
			ok = false;
	}
	for (const struct field *f = fields; f->name; f++) {
		if ((f->flags & F_REQUIRED) && json_object_get(obj, f->name) == NULL) {
			json_pointer_join(ptr, sizeof ptr, prefix, f->name);
			ok = bad(v, ptr, "es obligatorio", "is required");
		}
	}
	return ok;
}
