/* Request-body validation against a table of fields, collecting every error with its
 * JSON pointer, in Spanish and English. Pure: no I/O. */
#ifndef CORE_VALIDATE_H
#define CORE_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/text.h"

enum ftype {
	F_STRING,     /* length limits count characters after trimming white space */
	F_INT,
	F_BOOL,
	F_URL,        /* an absolute http or https URL */
	F_EMAIL,
	F_INT_ARRAY,  /* array of integers in [min_item, max_item]; min/max count items */
	F_PERSON,     /* {name, position}, both 1–200 characters */
	F_ANY,        /* checked by the caller */
};

enum {
	F_REQUIRED = 1,
	F_NULLABLE = 2,
	F_NAME = 4,   /* a name or title: no bidirectional control characters (issue 17) */
};

struct field {
	const char *name;
	enum ftype type;
	unsigned flags;
	int64_t min, max;
	const char *const *choices; /* F_STRING: allowed values, NULL-terminated */
};

/* The errors found, as two parallel arrays of {pointer, message}. */
struct verr {
	json_t *es;
	json_t *en;
};

/* Starts an empty error list. */
void verr_init(struct verr *v);
/* Adds an error at pointer (already escaped) with its Spanish and English message. */
void verr_add(struct verr *v, const char *pointer, const char *es, const char *en);
/* Number of errors collected. */
size_t verr_count(const struct verr *v);
/* Frees the lists. */
void verr_free(struct verr *v);

/* Checks obj (may be NULL or not an object) against fields, rejecting unknown members;
 * errors go to v with pointers under prefix (e.g. "" or "/axes/0"). Returns true if valid. */
bool validate_object(const json_t *obj, const struct field *fields, const char *prefix,
                     struct verr *v);
/* Checks one value against one field (the member exists). */
bool validate_value(const json_t *val, const struct field *f, const char *pointer,
                    struct verr *v);

/* Appends name to a JSON pointer with RFC 6901 escaping (~0, ~1); out has n bytes. */
void json_pointer_join(char *out, size_t n, const char *prefix, const char *name);

#endif
