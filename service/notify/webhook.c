/* Webhook deliveries: a POST with libcurl, signed per Standard Webhooks (webhook-id,
 * webhook-timestamp, webhook-signature "v1," + base64 HMAC-SHA256), no redirects, bounded
 * in time, and never to an internal address unless WEBHOOK_ALLOW_PRIVATE. */
#include "notify/notify.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/config.h"
#include "core/address.h"

#define WEBHOOK_TIMEOUT_S 10

bool
webhook_signature(const char *secret, const char *id, long long ts, const char *body,
                  char out[128])
{
	unsigned char key[64], mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	char stamp[24];
	size_t klen = 0;

	if (strncmp(secret, "whsec_", 6) != 0 ||
	    sodium_base642bin(key, sizeof key, secret + 6, strlen(secret + 6), NULL, &klen, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 || klen == 0)
		return false;
	snprintf(stamp, sizeof stamp, "%lld", ts);
	crypto_auth_hmacsha256_init(&st, key, klen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)id, strlen(id));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)stamp, strlen(stamp));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, strlen(body));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(key, sizeof key);
	snprintf(out, 128, "v1,");
	sodium_bin2base64(out + 3, 125, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
	return true;
}

/* Called by libcurl for each address it is about to connect to: the check happens on
 * the resolved address, so a name that resolves to an internal one is refused too. */
static curl_socket_t
open_checked(void *refused, curlsocktype purpose, struct curl_sockaddr *a)
{
	const unsigned char *ip = NULL;

	(void)purpose;
	if (a->family == AF_INET)
		ip = (const unsigned char *)&((const struct sockaddr_in *)(const void *)&a->addr)->sin_addr;
	else if (a->family == AF_INET6)
		ip = (const unsigned char *)&((const struct sockaddr_in6 *)(const void *)&a->addr)->sin6_addr;
	if (ip == NULL || (!cfg.webhook_allow_private && address_internal(a->family, ip))) {
		*(bool *)refused = true;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* The receiver's answer is not kept: only its status matters. */
static size_t
discard(char *p, size_t size, size_t n, void *unused)
{
	(void)p;
	(void)unused;
	return size * n;
}

void
webhook_send(const char *url, const char *secret, const char *id, const char *body,
             struct attempt *out)
{
	long long ts = (long long)time(NULL);
	char sig[128], h_id[160], h_ts[48], h_sig[160];
	struct curl_slist *hdr = NULL;
	bool refused = false;
	CURLcode rc;
	CURL *h;

	*out = (struct attempt){0};
	if (!url_ok(url, cfg.webhook_allow_private)) {
		snprintf(out->error, sizeof out->error, "destination not allowed");
		return;
	}
	if (!webhook_signature(secret, id, ts, body, sig)) {
		snprintf(out->error, sizeof out->error, "bad secret");
		return;
	}
	h = curl_easy_init();
	if (h == NULL) {
		snprintf(out->error, sizeof out->error, "out of memory");
		return;
	}
	snprintf(h_id, sizeof h_id, "webhook-id: %s", id);
	snprintf(h_ts, sizeof h_ts, "webhook-timestamp: %lld", ts);
	snprintf(h_sig, sizeof h_sig, "webhook-signature: %s", sig);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	hdr = curl_slist_append(hdr, h_id);
	hdr = curl_slist_append(hdr, h_ts);
	hdr = curl_slist_append(hdr, h_sig);
	hdr = curl_slist_append(hdr, "User-Agent: rendicion-webhooks");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)WEBHOOK_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_checked);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &refused);
	rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->http_status);
	if (refused)
		snprintf(out->error, sizeof out->error, "destination address not allowed");
	else if (rc != CURLE_OK)
		snprintf(out->error, sizeof out->error, "%s", curl_easy_strerror(rc));
	else if (out->http_status < 200 || out->http_status > 299)
		snprintf(out->error, sizeof out->error, "HTTP %ld", out->http_status);
	else
		out->ok = true;
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
}
