/* libFuzzer target for service/core/cursor.c.
 *
 * 1. cursor_decode on the input as a C string (as a query parameter arrives), for a list
 *    tag taken from the input: a cursor it accepts holds a key >= 0, and the cursor
 *    cursor_encode makes for that key and list decodes to the same key.
 * 2. The round trip: the first 8 bytes (little-endian) are a key, the next 4 a list tag;
 *    cursor_encode writes into a buffer of exactly CURSOR_MAX bytes (ASan sees any
 *    overrun); decoding for that list gives the key back for every key >= 0 and refuses
 *    the cursor of a negative key; decoding for another list always refuses. The key's
 *    low bits, its absolute value and INT64_MAX - key are tried too.
 * Any broken property aborts. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "fuzz_check.h"

static void
round_trip(uint32_t list, int64_t key)
{
	char *out = malloc(CURSOR_MAX);
	int64_t back = -1;
	bool ok;

	if (out == NULL)
		return;
	cursor_encode(list, key, out);
	CHECK(memchr(out, '\0', CURSOR_MAX) != NULL);
	CHECK(strspn(out, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
	      strlen(out));
	CHECK(!cursor_decode(out, list ^ 1u, &back));
	CHECK(!cursor_decode(out, ~list, &back));
	ok = cursor_decode(out, list, &back);
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
	uint32_t list = 0;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (size_t i = 0; i < 8 && i < size; i++)
		u |= (uint64_t)data[i] << (8 * i);
	for (size_t i = 8; i < 12 && i < size; i++)
		list |= (uint32_t)data[i] << (8 * (i - 8));
	if (cursor_decode(s, list, &key)) {
		CHECK(key >= 0);
		round_trip(list, key);
	}
	free(s);

	key = (int64_t)u;
	round_trip(list, key);
	round_trip(list, key & 0xFFFFFF);
	round_trip(list, key == INT64_MIN ? INT64_MAX : (key < 0 ? -key : key));
	round_trip(list, INT64_MAX - (key < 0 ? -(key + 1) : key));
	return 0;
}
