/* Table-driven validation of JSON request bodies. */
#include "core/validate.h"

#include <arpa/inet.h>
#include <strings.h>

#include <stdio.h>
#include <string.h>

static bool utf8_scan(const char *s, size_t n, bool text_only);

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
	if (!utf8_scan(pointer, strlen(pointer), false))
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
is_space(unsigned char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

size_t
utf8_trimmed_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end;
	size_t n = 0;

	while (*p && is_space(*p))
		p++;
	end = p + strlen((const char *)p);
	while (end > p && is_space(end[-1]))
		end--;
	for (; p < end; p++)
		if ((*p & 0xC0) != 0x80)
			n++;
	return n;
}

/* Valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF); with
 * text_only, also none of the control characters but tab, CR and LF. */
static bool
utf8_scan(const char *s, size_t n, bool text_only)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		unsigned char c = *p;
		uint32_t cp;
		int len;

		if (c < 0x80) {
			if (text_only &&
			    ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F))
				return false;
			p++;
			continue;
		}
		if ((c & 0xE0) == 0xC0) {
			len = 2;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (end - p < len)
			return false;
		for (int i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		p += len;
	}
	return true;
}

bool
utf8_text_ok(const char *s, size_t n)
{
	return utf8_scan(s, n, true);
}

/* An IPv4 address (network order) in a range no public evidence lives in: "this"
 * network, private, shared (CGNAT), loopback, link-local, multicast and reserved. */
static bool
v4_internal(const unsigned char a[4])
{
	return a[0] == 0 || a[0] == 10 || a[0] == 127 || (a[0] == 100 && (a[1] & 0xC0) == 64) ||
	       (a[0] == 169 && a[1] == 254) || (a[0] == 172 && (a[1] & 0xF0) == 16) ||
	       (a[0] == 192 && a[1] == 168) || a[0] >= 224;
}

bool
address_internal(int family, const unsigned char *a)
{
	/* ::, ::1, IPv4-mapped/compatible, fc00::/7, fe80::/10, fec0::/10, ff00::/8. */
	static const unsigned char zero[10] = {0};

	if (family == AF_INET)
		return v4_internal(a);
	return memcmp(a, zero, 10) == 0 || (a[0] & 0xFE) == 0xFC ||
	       (a[0] == 0xFE && (a[1] & 0x80) == 0x80) || a[0] == 0xFF;
}

/* The host of an evidence URL (issue 17): a name of ASCII letters, digits and '-' in
 * non-empty labels (an IDN in its xn-- form, as RFC 3986 and the contract's "uri" want), or an address literal outside internal ranges. A name whose
 * last label is numeric must be a whole dotted quad ("2130706433", "127.1" and
 * "0x7f.0.0.1" are refused: resolvers read them as addresses). */
static bool
url_host_ok(const char *h, size_t n, bool allow_internal)
{
	char buf[256];
	unsigned char a[16];
	size_t label = 0, last = 0;
	bool numeric_last = true;

	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, h, n);
	buf[n] = '\0';
	if (buf[0] == '[') {
		if (n < 3 || buf[n - 1] != ']')
			return false;
		buf[n - 1] = '\0';
		if (inet_pton(AF_INET6, buf + 1, a) != 1)
			return false;
		return allow_internal || !address_internal(AF_INET6, a);
	}
	if (inet_pton(AF_INET, buf, a) == 1)
		return allow_internal || !address_internal(AF_INET, a);
	if (buf[n - 1] == '.')   /* the root's dot: "example.org." */
		buf[--n] = '\0';
	if (!allow_internal && (strcasecmp(buf, "localhost") == 0 ||
	                        (n > 10 && strcasecmp(buf + n - 10, ".localhost") == 0)))
		return false;
	for (size_t i = 0; i <= n; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch == '.' || ch == '\0') {
			if (label == 0 || label > 63)
				return false;
			/* Numeric: decimal digits only, or 0x and hex digits. */
			if (buf[last] == '0' && (buf[last + 1] == 'x' || buf[last + 1] == 'X'))
				numeric_last = strspn(buf + last + 2, "0123456789abcdefABCDEF") == i - last - 2;
			else
				numeric_last = strspn(buf + last, "0123456789") == i - last;
			label = 0;
			last = i + 1;
			continue;
		}
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '-'))
			return false;
		label++;
	}
	return !numeric_last;
}

bool
url_ok(const char *s, bool allow_internal)
{
	const char *host, *end, *colon;

	if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		host = s + 7;
	else
		return false;
	if (*host == '\0' || *host == '/' || *host == ':' || *host == '?' || *host == '#')
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p == 0x7F || *p == '"' || *p == '<' || *p == '>' || *p == '\\')
			return false;
	end = host + strcspn(host, "/?#");
	/* No user-info: https://trusted.gob.ec@evil.example/ goes to evil.example. */
	if (memchr(host, '@', (size_t)(end - host)) != NULL)
		return false;
	/* An optional port: digits only, 1–65535 (http://javascript:alert(1) is refused). */
	colon = *host == '[' ? memchr(host, ']', (size_t)(end - host)) : host;
	if (colon == NULL)
		return false;
	colon = memchr(colon, ':', (size_t)(end - colon));
	if (colon != NULL) {
		long port = 0;

		if (colon + 1 == end || end - colon > 6)
			return false;
		for (const char *p = colon + 1; p < end; p++) {
			if (*p < '0' || *p > '9')
				return false;
			port = port * 10 + (*p - '0');
		}
		if (port < 1 || port > 65535)
			return false;
	}
	return url_host_ok(host, (size_t)((colon ? colon : end) - host), allow_internal);
}

static bool
email_ok(const char *s)
{
	const char *at = strchr(s, '@');

	if (at == NULL || at == s || strchr(at + 1, '@') || strchr(at + 1, '.') == NULL)
		return false;
	if (at[1] == '.' || s[strlen(s) - 1] == '.')
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p == 0x7F)
			return false;
	return true;
}

static bool
bad(struct verr *v, const char *ptr, const char *es, const char *en)
{
	verr_add(v, ptr, es, en);
	return false;
}

static bool
check_string(const json_t *val, const struct field *f, const char *ptr, struct verr *v)
{
	const char *s = json_string_value(val);
	size_t n = utf8_trimmed_len(s);
	char es[160], en[160];

	if (!utf8_text_ok(s, json_string_length(val)))
		return bad(v, ptr, "contiene caracteres de control no permitidos",
		           "contains control characters that are not allowed");
	if (f->choices) {
		for (const char *const *c = f->choices; *c; c++)
			if (strcmp(s, *c) == 0)
				return true;
		snprintf(es, sizeof es, "no es un valor permitido");
		snprintf(en, sizeof en, "is not an allowed value");
		return bad(v, ptr, es, en);
	}
	if (f->max > 0 && ((int64_t)n < f->min || (int64_t)n > f->max)) {
		snprintf(es, sizeof es, "debe tener entre %lld y %lld caracteres",
		         (long long)f->min, (long long)f->max);
		snprintf(en, sizeof en, "must have between %lld and %lld characters",
		         (long long)f->min, (long long)f->max);
		return bad(v, ptr, es, en);
	}
	return true;
}

bool
validate_value(const json_t *val, const struct field *f, const char *ptr, struct verr *v)
{
	char es[160], en[160], sub[256];
	size_t i;
	json_t *item;
	bool ok = true;

	if (json_is_null(val)) {
		if (f->flags & F_NULLABLE)
			return true;
		return bad(v, ptr, "no puede ser nulo", "must not be null");
	}
	switch (f->type) {
	case F_STRING:
		if (!json_is_string(val))
			return bad(v, ptr, "debe ser un texto", "must be a string");
		return check_string(val, f, ptr, v);
	case F_URL:
		if (!json_is_string(val))
			return bad(v, ptr, "debe ser un texto", "must be a string");
		if (json_string_length(val) > 2000 || !url_ok(json_string_value(val), false))
			return bad(v, ptr, "debe ser una URL http o https",
			           "must be an http or https URL");
		return true;
	case F_EMAIL:
		if (!json_is_string(val))
			return bad(v, ptr, "debe ser un texto", "must be a string");
		if (json_string_length(val) > 254 || !email_ok(json_string_value(val)))
			return bad(v, ptr, "debe ser un correo electrónico válido",
			           "must be a valid email address");
		return true;
	case F_INT:
		if (!json_is_integer(val))
			return bad(v, ptr, "debe ser un número entero", "must be an integer");
		if (json_integer_value(val) < f->min || json_integer_value(val) > f->max) {
			snprintf(es, sizeof es, "debe estar entre %lld y %lld",
			         (long long)f->min, (long long)f->max);
			snprintf(en, sizeof en, "must be between %lld and %lld",
			         (long long)f->min, (long long)f->max);
			return bad(v, ptr, es, en);
		}
		return true;
	case F_BOOL:
		if (!json_is_boolean(val))
			return bad(v, ptr, "debe ser verdadero o falso", "must be true or false");
		return true;
	case F_INT_ARRAY:
		if (!json_is_array(val))
			return bad(v, ptr, "debe ser una lista", "must be an array");
		if ((int64_t)json_array_size(val) < f->min || (int64_t)json_array_size(val) > f->max) {
			snprintf(es, sizeof es, "debe tener entre %lld y %lld elementos",
			         (long long)f->min, (long long)f->max);
			snprintf(en, sizeof en, "must have between %lld and %lld items",
			         (long long)f->min, (long long)f->max);
			return bad(v, ptr, es, en);
		}
		json_array_foreach(val, i, item) {
			snprintf(sub, sizeof sub, "%s/%zu", ptr, i);
			if (!json_is_integer(item) || json_integer_value(item) < 1 ||
			    json_integer_value(item) > INT64_MAX / 2)
				ok = bad(v, sub, "debe ser un identificador", "must be an id");
		}
		return ok;
	case F_PERSON: {
		static const struct field person[] = {
			{"name", F_STRING, F_REQUIRED, 1, 200, NULL},
			{"position", F_STRING, F_REQUIRED, 1, 200, NULL},
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
