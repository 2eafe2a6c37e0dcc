/* One HTTP request as handlers see it, and the one way to answer it: a JSON body, a
 * problem document, or a database reply mapped to either. */
#ifndef HTTP_CALL_H
#define HTTP_CALL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <ulfius.h>

#include "auth/policy.h"
#include "auth/token.h"
#include "core/validate.h"
#include "db/pool.h"

enum lang { LANG_ES, LANG_EN };

/* A text in both languages the service speaks. */
struct msg {
	const char *es;
	const char *en;
};

struct route;

struct call {
	const struct _u_request *req;
	struct _u_response *res;
	const struct route *route;
	const char *method;        /* GET for HEAD */
	char request_id[72];
	enum lang lang;
	struct claims who;         /* ROLE_PUBLIC without a token */
	struct actor actor;        /* who, as the database layer takes it */
	int64_t id;                /* the {id} of the path, 0 if none */
	int64_t sub_id;            /* a second id of the path (":sub"), 0 if none */
	json_t *body;              /* the parsed JSON body, owned; NULL without one */
	const char *body_text;     /* the raw body (NUL-terminated), NULL without one */
	size_t body_len;
	int status;                /* 0 until answered */
	uint64_t cache_gen;        /* the response cache's generation when the request began */
	struct timespec t0;
};

/* Answers with a JSON text (copied) and status. */
void reply_json(struct call *c, int status, const char *json);
/* Answers with a JSON text it takes ownership of (free()d after sending). */
void reply_json_owned(struct call *c, int status, char *json);
/* Answers with any text body and content type (copied). */
void reply_text(struct call *c, int status, const char *type, const char *text, size_t n);
/* Answers with a problem document; m may be NULL for the status's generic detail. */
void reply_problem(struct call *c, int status, const char *code, const struct msg *m);
/* Answers 422 with every collected validation error. */
void reply_invalid(struct call *c, struct verr *v);
/* Answers a single resource from the database: 200/201 with its ETag (304 when
 * If-None-Match matches), or the problem its error maps to. Frees r. */
void reply_db(struct call *c, int status, struct db_reply *r);
/* Answers 201 with r's body, its ETag, and Location: prefix + "/" + the body's "id". */
void reply_created(struct call *c, const char *prefix, struct db_reply *r);
/* Answers with no body (204), or r's error. Frees r. */
void reply_empty(struct call *c, struct db_reply *r);
/* The If-Match ETag without quotes into buf (80 bytes), or NULL when absent. */
const char *if_match(const struct call *c, char *buf);
/* Answers a list from the database: r->body is the items array, r->etag the key of the
 * last item when another page follows. Frees r. */
void reply_db_list(struct call *c, struct db_reply *r);
/* Answers the problem for a database error (r->err != DB_OK). Frees r. */
void reply_db_error(struct call *c, struct db_reply *r);
/* Adds a response header. */
void reply_header(struct call *c, const char *name, const char *value);

/* Reads a query parameter; NULL when absent. */
const char *query(const struct call *c, const char *name);
/* Reads an integer query parameter in [min, max]; answers 400 and returns false when it is
 * present but bad; *out = def when absent. */
bool query_int(struct call *c, const char *name, int64_t min, int64_t max, int64_t def,
               int64_t *out);
/* Reads one of choices; 400 when bad; *out = NULL when absent. */
bool query_choice(struct call *c, const char *name, const char *const *choices,
                  const char **out);
/* Reads limit and cursor; 400 when bad. *after is 0 without a cursor. */
bool query_page(struct call *c, int64_t *limit, int64_t *after);
/* Reads a request header; NULL when absent. */
const char *header(const struct call *c, const char *name);

/* A rule a body must meet beyond its fields' own (e.g. account rules); adds every error
 * it finds to v and returns false if any. */
typedef bool (*body_rule)(const json_t *body, const void *arg, struct verr *v);

/* Requires a JSON object body valid against fields and, if given, rule(body, arg);
 * answers 400 without a body, 422 with every error found. */
bool body_checked(struct call *c, const struct field *fields, body_rule rule, const void *arg);
/* Requires a JSON object body valid against fields; answers 400/422 otherwise. */
bool body_valid(struct call *c, const struct field *fields);
/* body_valid for PATCH: the object must also change something (422 when empty). */
bool body_patch_valid(struct call *c, const struct field *fields);
/* For operations that take no body: none, or an empty object; anything else is 422, so a
 * client's misplaced member is not silently dropped. */
bool body_none(struct call *c);

/* The actor's unit as decimal text (NULL, SQL's NULL, when none); buf has 24 bytes. */
const char *actor_unit(const struct call *c, char *buf);
/* Refuses the caller: 401 without a token, 403 with one. Returns false. */
bool deny(struct call *c);
/* True if the actor may do a; otherwise answers 401 (no token) or 403 and returns false. */
bool authorize(struct call *c, enum action a);
/* True for roles that see everything, drafts included ("" → "t"/"f" for SQL: staff_param). */
bool is_staff(const struct call *c);
#define staff_param(c) (is_staff(c) ? "t" : "f")
/* Formats an integer as decimal text into buf (24 bytes) and returns buf. */
const char *i64s(int64_t v, char *buf);

#endif
