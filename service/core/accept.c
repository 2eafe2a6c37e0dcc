/* Both headers are lists of "value;param=x;q=0.5" elements; one parser reads them. */
#include "core/accept.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* One element of a list: its value without blanks, and its weight. */
struct element {
	const char *v;
	size_t n;
	int q;          /* 0-1000; -1 when the element is malformed */
};

/* s[0..*n) without surrounding blanks. */
static const char *
trim(const char *s, size_t *n)
{
	while (*n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		(*n)--;
	}
	while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		(*n)--;
	return s;
}

int
accept_qvalue(const char *v, size_t n)
{
	static const int scale[] = {100, 10, 1};
	int w;

	if (n == 0 || (v[0] != '0' && v[0] != '1') || (n > 1 && v[1] != '.') || n > 5)
		return -1;
	w = (v[0] - '0') * 1000;
	for (size_t i = 2; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		w += (v[i] - '0') * scale[i - 2];
	}
	return w > 1000 ? -1 : w;
}

/* Reads the element at *p and moves *p past it and its comma; false at the end. */
static bool
next_element(const char **p, struct element *e)
{
	const char *el = *p, *semi, *end;
	size_t n;

	if (*el == '\0')
		return false;
	n = strcspn(el, ",");
	end = el + n;
	*p = *end == ',' ? end + 1 : end;
	semi = memchr(el, ';', n);
	e->n = semi ? (size_t)(semi - el) : n;
	e->v = trim(el, &e->n);
	e->q = 1000;
	while (semi) {
		const char *a = semi + 1;
		size_t an;

		semi = memchr(a, ';', (size_t)(end - a));
		an = (size_t)((semi ? semi : end) - a);
		a = trim(a, &an);
		if (an >= 2 && (a[0] == 'q' || a[0] == 'Q') && a[1] == '=') {
			e->q = accept_qvalue(a + 2, an - 2);
			break;
		}
	}
	return true;
}

/* How specifically the range e names type (e.g. "text/csv"): 3 exactly, 2 as text/x,
 * 1 as x/x, 0 not at all. */
static int
media_match(const struct element *e, const char *type)
{
	const char *slash = memchr(e->v, '/', e->n), *tslash = strchr(type, '/');
	size_t tl, sl;
	bool any_sub;

	if (slash == NULL || tslash == NULL)
		return 0;
	tl = (size_t)(slash - e->v);
	sl = e->n - tl - 1;
	any_sub = sl == 1 && slash[1] == '*';
	if (tl == 1 && e->v[0] == '*')
		return any_sub ? 1 : 0;
	if (tl != (size_t)(tslash - type) || strncasecmp(e->v, type, tl) != 0)
		return 0;
	if (any_sub)
		return 2;
	return sl == strlen(tslash + 1) && strncasecmp(slash + 1, tslash + 1, sl) == 0 ? 3 : 0;
}

#define MEDIA_MAX 8

int
accept_media(const char *accept, const char *const *types, int n)
{
	int best[MEDIA_MAX] = {0}, q[MEDIA_MAX] = {0}, pick = -1;
	struct element e;

	if (n > MEDIA_MAX)
		n = MEDIA_MAX;
	if (accept == NULL || accept[strspn(accept, " \t")] == '\0')
		return 0;
	for (const char *p = accept; next_element(&p, &e);) {
		if (e.q < 0)
			continue;
		for (int i = 0; i < n; i++) {
			int s = media_match(&e, types[i]);

			if (s > best[i]) {
				best[i] = s;
				q[i] = e.q;
			}
		}
	}
	for (int i = 0; i < n; i++)
		if (q[i] > 0 && (pick < 0 || q[i] > q[pick]))
			pick = i;
	return pick;
}

enum lang
accept_language(const char *accept_language)
{
	int best_es = -1, best_en = -1;
	struct element e;

	if (accept_language == NULL)
		return LANG_ES;
	for (const char *p = accept_language; next_element(&p, &e);) {
		if (e.n < 2 || (e.n > 2 && e.v[2] != '-'))
			continue;
		if (strncasecmp(e.v, "es", 2) == 0 && e.q > best_es)
			best_es = e.q;
		else if (strncasecmp(e.v, "en", 2) == 0 && e.q > best_en)
			best_en = e.q;
	}
	return best_en > 0 && best_en > best_es ? LANG_EN : LANG_ES;
}

bool
accept_gzip(const char *accept_encoding)
{
	int gzip = -2, any = -2;   /* -2: not named; -1: named with a malformed q */
	struct element e;

	if (accept_encoding == NULL)
		return false;
	for (const char *p = accept_encoding; next_element(&p, &e);) {
		if (e.n == 4 && strncasecmp(e.v, "gzip", 4) == 0)
			gzip = e.q;
		else if (e.n == 1 && e.v[0] == '*')
			any = e.q;
	}
	return gzip != -2 ? gzip > 0 : any > 0;
}
