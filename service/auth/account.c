/* Account input: one rule for the API and the CLI. */
#include "auth/account.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/password.h"

static bool
is_space(unsigned char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

bool
account_email(const json_t *val, char *out, struct verr *v)
{
	static const struct field email = {"email", F_EMAIL, F_REQUIRED, 0, 0, NULL};
	const char *s, *end;
	json_t *trimmed;
	bool ok;

	out[0] = '\0';
	if (!json_is_string(val)) {
		verr_add(v, "/email", "debe ser un texto", "must be a string");
		return false;
	}
	s = json_string_value(val);
	end = s + json_string_length(val);
	while (s < end && is_space((unsigned char)*s))
		s++;
	while (end > s && is_space((unsigned char)end[-1]))
		end--;
	if ((size_t)(end - s) > ACCOUNT_EMAIL_MAX) {
		verr_add(v, "/email", "debe ser un correo electrónico válido",
		         "must be a valid email address");
		return false;
	}
	trimmed = json_stringn(s, (size_t)(end - s));
	if (trimmed == NULL) {
		verr_add(v, "/email", "debe ser un correo electrónico válido",
		         "must be a valid email address");
		return false;
	}
	ok = validate_value(trimmed, &email, "/email", v);
	if (ok) {
		memcpy(out, s, (size_t)(end - s));
		out[end - s] = '\0';
	}
	json_decref(trimmed);
	return ok;
}

enum pw_problem { PW_OK, PW_TOO_LONG, PW_BAD_CHARS, PW_TOO_SHORT, PW_WEAK };

/* The bundled list of common passwords (issue 17), compared without regard to ASCII case. */
static const char *const common_passwords[] = {
#include "auth/common_passwords.inc"
};

static const struct {
	const char *es, *en;
} pw_text[] = {
	[PW_OK] = {"", ""},
	[PW_TOO_LONG] = {"debe tener como máximo 1024 bytes", "must have at most 1024 bytes"},
	[PW_BAD_CHARS] = {"contiene caracteres no permitidos",
	                  "contains characters that are not allowed"},
	[PW_TOO_SHORT] = {"debe tener al menos 10 caracteres", "must have at least 10 characters"},
	[PW_WEAK] = {"es demasiado común o fácil de adivinar",
	             "is too common or too easy to guess"},
};

/* Blanks only, one character repeated, or on the list. */
static bool
pw_weak(const char *pw, size_t n)
{
	const unsigned char *p = (const unsigned char *)pw;
	size_t i, first;

	/* pw holds no NUL (pw_check): the blanks are core/text.c's, the same as SQL's. */
	if (utf8_trimmed_len(pw) == 0)
		return true;
	for (first = 1; first < n && (p[first] & 0xC0) == 0x80; first++)
		;
	for (i = first; i + first <= n && memcmp(p + i, p, first) == 0; i += first)
		;
	if (i == n)
		return true;
	for (i = 0; i < sizeof common_passwords / sizeof *common_passwords; i++)
		if (strlen(common_passwords[i]) == n && strncasecmp(common_passwords[i], pw, n) == 0)
			return true;
	return false;
}

static enum pw_problem
pw_check(const char *pw, size_t n)
{
	size_t chars = 0;

	if (n > PASSWORD_MAX_BYTES)
		return PW_TOO_LONG;
	if (memchr(pw, '\0', n) || !utf8_text_ok(pw, n))
		return PW_BAD_CHARS;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)pw[i] & 0xC0) != 0x80)
			chars++;
	if (chars < PASSWORD_MIN_CHARS)
		return PW_TOO_SHORT;
	return pw_weak(pw, n) ? PW_WEAK : PW_OK;
}

const char *
account_password_problem(const char *pw, size_t n)
{
	enum pw_problem p = pw_check(pw, n);

	return p == PW_OK ? NULL : pw_text[p].en;
}

bool
account_new_password(const json_t *val, struct verr *v)
{
	enum pw_problem p;

	if (!json_is_string(val)) {
		verr_add(v, "/password", "debe ser un texto", "must be a string");
		return false;
	}
	p = pw_check(json_string_value(val), json_string_length(val));
	if (p == PW_OK)
		return true;
	verr_add(v, "/password", pw_text[p].es, pw_text[p].en);
	return false;
}

bool
account_rules(const json_t *body, const void *arg, struct verr *v)
{
	const struct account_rules *r = arg;
	const json_t *m = json_object_get(body, "email");
	bool ok = true;

	if (m && r->email && !account_email(m, r->email, v))
		ok = false;
	m = json_object_get(body, "password");
	if (m && r->new_password && !account_new_password(m, v))
		ok = false;
	if (m && !r->new_password && (!json_is_string(m) || json_string_length(m) == 0 ||
	                              json_string_length(m) > PASSWORD_MAX_BYTES)) {
		verr_add(v, "/password", "debe ser un texto de 1 a 1024 bytes",
		         "must be a string of 1 to 1024 bytes");
		ok = false;
	}
	if (r->patch && json_object_size(body) == 0) {
		verr_add(v, "", "debe cambiar al menos un campo", "must change at least one member");
		ok = false;
	}
	return ok;
}

char *
account_patch_body(const json_t *body, char *hash)
{
	const char *pw = json_string_value(json_object_get(body, "password"));
	json_t *copy;
	char *text;

	hash[0] = '\0';
	if (pw && !password_hash(pw, hash))
		return NULL;
	copy = json_copy((json_t *)body);  /* jansson's json_copy takes no const */

	json_object_del(copy, "password");
	json_object_del(copy, "current_password");
	text = copy ? json_dumps(copy, JSON_COMPACT) : NULL;
	json_decref(copy);
	return text;
}
