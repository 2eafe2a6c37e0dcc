/* Addresses a client gives: evidence and webhook URLs (no user-info, no internal hosts)
 * and email addresses. */
#include "core/address.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

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
 * non-empty labels (an IDN in its xn-- form, as RFC 3986 and the contract's "uri" want),
 * or an address literal outside internal ranges. A name whose
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

bool
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
