/* Mail over SMTP with libcurl: SMTP_URL (smtp:// with STARTTLS when offered, smtps://,
 * credentials in the URL), the envelope from MAIL_FROM, bounded in time. */
#include "notify/notify.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "core/config.h"

#define SMTP_TIMEOUT_S 30

/* The message being uploaded. */
struct upload {
	const char *p;
	size_t left;
};

static size_t
read_message(char *dst, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t k = size * n < u->left ? size * n : u->left;

	memcpy(dst, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

/* "<address>" of an address given bare or as "Name <address>", into out (n bytes). */
static void
envelope(const char *addr, char *out, size_t n)
{
	const char *lt = strchr(addr, '<'), *gt = lt ? strchr(lt, '>') : NULL;

	if (lt && gt)
		snprintf(out, n, "%.*s", (int)(gt - lt + 1), lt);
	else
		snprintf(out, n, "<%s>", addr);
}

void
smtp_send(const char *to, const char *message, struct attempt *out)
{
	char from[300], rcpt[300];
	struct upload u = {message, strlen(message)};
	struct curl_slist *rcpts = NULL;
	CURLcode rc;
	CURL *h;

	*out = (struct attempt){0};
	if (cfg.smtp_url == NULL) {
		snprintf(out->error, sizeof out->error, "SMTP_URL is not set");
		return;
	}
	h = curl_easy_init();
	if (h == NULL) {
		snprintf(out->error, sizeof out->error, "out of memory");
		return;
	}
	envelope(cfg.mail_from, from, sizeof from);
	envelope(to, rcpt, sizeof rcpt);
	rcpts = curl_slist_append(rcpts, rcpt);
	curl_easy_setopt(h, CURLOPT_URL, cfg.smtp_url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)SMTP_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		out->ok = true;
	else
		snprintf(out->error, sizeof out->error, "%s", curl_easy_strerror(rc));
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(h);
}
