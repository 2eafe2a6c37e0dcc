/* Cursors are "v1:<key>" in unpadded base64url: opaque to clients, versioned for us. */
#include "core/cursor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void
cursor_encode(int64_t key, char *out)
{
	char raw[32];
	int n = snprintf(raw, sizeof raw, "v1:%lld", (long long)key);
	size_t o = 0;

	for (int i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)raw[i] << 16;
		int left = n - i;

		if (left > 1)
			v |= (uint32_t)(unsigned char)raw[i + 1] << 8;
		if (left > 2)
			v |= (unsigned char)raw[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		if (left > 1)
			out[o++] = b64[(v >> 6) & 63];
		if (left > 2)
			out[o++] = b64[v & 63];
	}
	out[o] = '\0';
}

bool
cursor_decode(const char *s, int64_t *key)
{
	char raw[32];
	size_t n = strlen(s), o = 0;
	uint32_t acc = 0;
	int bits = 0;
	char *end;
	long long k;

	if (n == 0 || n > CURSOR_MAX - 1 || n % 4 == 1)
		return false;
	for (size_t i = 0; i < n; i++) {
		const char *p = memchr(b64, s[i], sizeof b64 - 1);

		if (p == NULL || s[i] == '\0')
			return false;
		acc = (acc << 6) | (uint32_t)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o + 1 >= sizeof raw)
				return false;
			raw[o++] = (char)((acc >> bits) & 0xFF);
		}
	}
	raw[o] = '\0';
	/* "v1:" and at least one digit: four bytes decoded. */
	if (o < 4 || strncmp(raw, "v1:", 3) != 0 || raw[3] < '0' || raw[3] > '9')
		return false;
	errno = 0;
	k = strtoll(raw + 3, &end, 10);
	if (errno || *end || k < 0)
		return false;
	*key = k;
	return true;
}
