/* libFuzzer target for service/core/cursor.c.
 *
 * 1. cursor_decode on the input as a C string (as a query parameter arrives): a cursor
 *    it accepts holds a key >= 0, and the cursor cursor_encode makes for that key
 *    decodes to the same key.
 * 2. The round trip: the first 8 bytes (little-endian) are a key; cursor_encode writes
 *    into a buffer of exactly CURSOR_MAX bytes (ASan sees any overrun); decoding gives
 *    the key back for every key >= 0 and refuses the cursor of a negative key. The key's
 *    low bits, its absolute value and INT64_MAX - key are tried too.
 * Any broken property aborts. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"

#define CHECK(cond)                                                                \
	do {                                                                       \
		if (!(cond)) {                                                     \
			fprintf(stderr, "fuzz_cursor: invariant broken at %s:%d: %s\n", \
			        __FILE__, __LINE__, #cond);                        \
			abort();                                                   \
		}                                                                  \
	} while (0)

static void
round_trip(int64_t key)
{
	char *out = malloc(CURSOR_MAX);
	int64_t back = -1;
	bool ok;

	if (out == NULL)
		return;
	cursor_encode(key, out);
	CHECK(memchr(out, '\0', CURSOR_MAX) != NULL);
	CHECK(strspn(out, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
	      strlen(out));
	ok = cursor_decode(out, &back);
	if (key >= 0) {
		if (!ok || back != key) {
			fprintf(stderr, "fuzz_cursor: invariant broken: key %lld -> \"%s\" -> %s %lld\n",
			        (long long)key, out, ok ? "ok" : "refused", (long long)back);
			abort();
		}
	} else {
		CHECK(!ok);
	}
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	int64_t key = -1;
	uint64_t u = 0;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (cursor_decode(s, &key)) {
		CHECK(key >= 0);
		round_trip(key);
	}
	free(s);

	for (size_t i = 0; i < 8 && i < size; i++)
		u |= (uint64_t)data[i] << (8 * i);
	key = (int64_t)u;
	round_trip(key);
	round_trip(key & 0xFFFFFF);
	round_trip(key == INT64_MIN ? INT64_MAX : (key < 0 ? -key : key));
	round_trip(INT64_MAX - (key < 0 ? -(key + 1) : key));
	return 0;
}
