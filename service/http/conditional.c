/* Conditional requests: ETags out, If-None-Match (304) and If-Match (412, checked by the
 * database) in. One matcher serves the database's answers and the response cache. */
#include "http/call.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

void
etag_of(const char *tag, const char *body, size_t len, char out[33])
{
	unsigned char hash[16];
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, sizeof hash);
	crypto_generichash_update(&st, (const unsigned char *)tag, strlen(tag));
	crypto_generichash_update(&st, (const unsigned char *)body, len);
	crypto_generichash_final(&st, hash, sizeof hash);
	sodium_bin2hex(out, 33, hash, sizeof hash);
}

bool
etag_listed(const char *list, const char *quoted)
{
	size_t n = strlen(quoted);
	const char *p = list;

	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, quoted, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return true;
		while (*p && *p != ',')
			p++;
	}
	return false;
}

/* Sets the ETag header to the quoted etag, which it also writes into quoted. */
static void
set_etag(struct call *c, const char *etag, char quoted[ETAG_MAX])
{
	snprintf(quoted, ETAG_MAX, "\"%s\"", etag);
	reply_header(c, "ETag", quoted);
}

bool
reply_not_modified(struct call *c, const char *etag)
{
	char quoted[ETAG_MAX];
	const char *inm = header(c, "If-None-Match");

	set_etag(c, etag, quoted);
	if (inm == NULL || !etag_listed(inm, quoted))
		return false;
	reply_status(c, 304);
	return true;
}

const char *
if_match(const struct call *c, char *buf)
{
	const char *h = header(c, "If-Match");
	size_t n;

	if (h == NULL)
		return NULL;
	while (*h == ' ')
		h++;
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	if (*h == '"')
		h++;
	n = strcspn(h, "\"");
	if (n >= ETAG_MAX)
		n = ETAG_MAX - 1;
	memcpy(buf, h, n);
	buf[n] = '\0';
	return buf;
}

void
reply_db(struct call *c, int status, struct db_reply *r, enum reason_id missing)
{
	if (r->err != DB_OK || r->body == NULL) {
		reply_db_error(c, r, missing);
		return;
	}
	if (r->etag && status == 200 && reply_not_modified(c, r->etag)) {
		db_reply_free(r);
		return;
	}
	if (r->etag && status != 200) {
		char quoted[ETAG_MAX];

		set_etag(c, r->etag, quoted);  /* a 201 is never a 304 */
	}
	reply_json_owned(c, status, r->body);
	r->body = NULL;
	db_reply_free(r);
}
