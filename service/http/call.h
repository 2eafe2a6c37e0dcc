/* One HTTP request as handlers see it, and the helpers every handler uses, one file a
 * concern: reading the request (request.c), answering it (reply.c), conditional requests
 * (conditional.c), list pages (paging.c) and CSV downloads (download.c). */
#ifndef HTTP_CALL_H
#define HTTP_CALL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <ulfius.h>

#include "auth/policy.h"
#include "auth/token.h"
#include "core/accept.h"
#include "core/limits.h"
#include "core/validate.h"
#include "db/pool.h"
#include "http/reasons.h"

#define QUERY_MAX 10  /* query parameters a route may declare, limit and cursor aside */

struct route;
struct cache_entry;

/* Who is acting, as the database functions take it (audit, visibility, relations). */
struct actor {
	const char *sub;    /* "" for the public */
	const char *role;   /* "administradora", "directores", "ciudadanos", or "" */
	int64_t unit_id;    /* directors' unit, else 0 */
	bool staff;         /* sees drafts, authors and every observation */
};

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
	const char *q[QUERY_MAX];  /* the route's declared query parameters, NULL when absent */
	int64_t limit, after;      /* the page asked for (paged routes) */
	const char *extra[2];      /* statement parameters a route's check computed */
	char extra_buf[INT_TEXT_MAX];
	json_t *body;              /* the parsed JSON body, owned; NULL without one */
	const char *body_text;     /* the raw body (NUL-terminated), NULL without one */
	size_t body_len;
	int status;                /* 0 until answered */
	struct cache_entry *cache_entry;  /* the rendering this request owes the cache (cache.c) */
	struct timespec t0;
};

/* request.c: reading the request */

/* Reads a request header; NULL when absent. */
const char *header(const struct call *c, const char *name);
/* Reads a query parameter; NULL when absent. */
const char *query(const struct call *c, const char *name);
/* Checks the route's declared query parameters (and limit and cursor, if paged) into
 * c->q, c->limit and c->after; answers 400 and returns false when one is bad. */
bool query_read(struct call *c);
/* Checks limit and cursor into c->limit and c->after; 400 and false when one is bad. */
bool query_page(struct call *c);
/* A rule a body must meet beyond its fields' own (e.g. account rules); adds every error
 * it finds to v and returns false if any. */
typedef bool (*body_rule)(const json_t *body, const void *arg, struct verr *v);
/* Requires a JSON object body valid against fields and, if given, rule(body, arg), and,
 * for a patch, one member at least; answers 400 without a body, 422 with every error
 * found. Without fields, rule alone judges the body, whatever its type. */
bool body_checked(struct call *c, const struct field *fields, body_rule rule,
                  const void *arg, bool patch);
/* For operations that take no body: none, or an empty object; anything else is 422, so a
 * client's misplaced member is not silently dropped. */
bool body_none(struct call *c);
/* True if the actor may do a; otherwise answers 401 (no token) or 403 and returns false. */
bool authorize(struct call *c, enum action a);
/* Refuses the caller: 401 without a token, 403 with one. Returns false. */
bool deny(struct call *c);

/* reply.c: answering */

/* Answers with any text body and content type (copied). */
void reply_text(struct call *c, int status, const char *type, const char *text, size_t n);
/* Answers with a body it takes ownership of (free()d after sending; NULL for none). */
void reply_take(struct call *c, int status, const char *type, char *owned, size_t n);
/* Answers with a JSON text (copied). */
void reply_json(struct call *c, int status, const char *json);
/* Answers with a JSON text it takes ownership of (compacted; free()d after sending). */
void reply_json_owned(struct call *c, int status, char *json);
/* Answers with no body. */
void reply_status(struct call *c, int status);
/* Adds a response header. */
void reply_header(struct call *c, const char *name, const char *value);
/* Answers the problem of catalogue entry r. */
void reply_reason(struct call *c, enum reason_id r);
/* Answers the problem of r, its detail's %s replaced by subject. */
void reply_reason_about(struct call *c, enum reason_id r, const char *subject);
/* Answers 422 validation_failed with every collected validation error. */
void reply_invalid(struct call *c, struct verr *v);
/* Answers the problem for a database error (r->err != DB_OK); a statement that found no
 * row is missing. Frees r. */
void reply_db_error(struct call *c, struct db_reply *r, enum reason_id missing);

/* conditional.c: ETags */

/* The ETag of a representation the service writes itself: the hex of a 16-byte BLAKE2b of
 * tag (a media's own prefix, "" for JSON: each representation its own ETag) and body, into
 * out (33 bytes). */
void etag_of(const char *tag, const char *body, size_t len, char out[33]);
/* True if the If-None-Match value list names quoted (an ETag with its quotes), or is "*". */
bool etag_listed(const char *list, const char *quoted);
/* Sets the ETag header to quoted-etag and answers 304 when If-None-Match names it (true),
 * else returns false. Only for GET answers of 200. */
bool reply_not_modified(struct call *c, const char *etag);
/* The If-Match ETag without quotes into buf (ETAG_MAX bytes), or NULL when absent. */
const char *if_match(const struct call *c, char *buf);
/* Answers a resource from the database: status with its ETag (304 when If-None-Match
 * names it), or the problem its error maps to (missing when no row). Frees r. */
void reply_db(struct call *c, int status, struct db_reply *r, enum reason_id missing);

/* download.c: files for spreadsheets */

/* Answers r's rows (a JSON array of arrays of strings, integers or nulls) as a CSV
 * download named filename, after the header row head (n fields), with r's ETag if it has
 * one (304 on If-None-Match); the problem of r's error otherwise (missing when no row).
 * Frees r. */
void reply_csv(struct call *c, struct db_reply *r, const char *const *head, size_t n,
               const char *filename, enum reason_id missing);

/* A file rendered in C from the JSON a statement (id, staff) returns with its ETag. */
struct rendering {
	struct db_stmt *stmt;
	char *(*render)(const json_t *doc, size_t *len);  /* malloc'd bytes, or NULL */
	const char *type;         /* its media type */
	const char *disposition;  /* "inline" or "attachment" */
	const char *name, *ext;   /* the file is named name-<id>.ext */
};
/* Answers the file how renders for the path's id (304 on If-None-Match); the problem of
 * the statement's error otherwise (missing when no row), 500 when rendering fails. */
void reply_rendered(struct call *c, const struct rendering *how, enum reason_id missing);

/* paging.c: lists */

/* Answers a list from the database: r->body is the items array, r->etag the key of the
 * last item when another page follows. Frees r. */
void reply_db_list(struct call *c, struct db_reply *r, enum reason_id missing);

#endif
