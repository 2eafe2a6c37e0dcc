/* Cursors are "v1:<list>:<key>" in unpadded base64url, <list> eight hex digits of a hash
 * of the list's name: opaque to clients, versioned for us, and refused by another list
 * (where its key would silently mean something else). */
#include "core/cursor.h"

#include "core/hash.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

uint32_t
cursor_list(const char *name)
{
	return hash_fnv1a(name);
}

void
cursor_encode(uint32_t list, int64_t key, char *out)
{
	char raw[40];
	int n = snprintf(raw, sizeof raw, "v1:%08x:%lld", (unsigned)list, (long long)key);
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
cursor_decode(const char *s, uint32_t list, int64_t *key)
{
	char raw[40], prefix[16];
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
	/* "v1:", this list's tag, ":" and at least one digit. */
	snprintf(prefix, sizeof prefix, "v1:%08x:", (unsigned)list);
	if (o < 13 || strncmp(raw, prefix, 12) != 0 || raw[12] < '0' || raw[12] > '9')
		return false;
	errno = 0;
	k = strtoll(raw + 12, &end, 10);
	if (errno || *end || k < 0)
		return false;
	*key = k;
	return true;
}
