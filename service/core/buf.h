/* A growable byte buffer that is always NUL-terminated: the one string builder. */
#ifndef CORE_BUF_H
#define CORE_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data;   /* owned; NULL until the first append */
	size_t len;
	size_t cap;
	bool oom;     /* an allocation failed: contents are incomplete */
};

#define BUF_INIT {NULL, 0, 0, false}

/* Appends n bytes of p. */
void buf_add(struct buf *b, const char *p, size_t n);
/* Appends a NUL-terminated string. */
void buf_puts(struct buf *b, const char *s);
/* Appends one byte. */
void buf_putc(struct buf *b, char ch);
/* Appends printf-formatted text. */
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included. */
void buf_json_str(struct buf *b, const char *s);
/* Returns the contents (never NULL: "" when empty); the buffer keeps ownership. */
const char *buf_str(const struct buf *b);
/* Hands the contents to the caller (free() it) and empties the buffer. */
char *buf_take(struct buf *b);
/* Frees the contents. */
void buf_free(struct buf *b);

#endif
