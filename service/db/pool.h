/* The PostgreSQL connection pool, prepared statements, and the one way to run them. */
#ifndef DB_POOL_H
#define DB_POOL_H

#include <libpq-fe.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define DB_MAX_STMTS 256

/* A named statement, prepared on each connection the first time it runs there (sent
 * unnamed behind a transaction pooler: db/session.c). */
struct db_stmt {
	const char *name;
	const char *sql;
	atomic_int slot;  /* index into each connection's prepared flags; -1 until first use */
};
/* Defines the statement var (declare it in the file's header to use it elsewhere). */
#define DB_STMT(var, text) struct db_stmt var = {#var, text, -1}
/* The SQL of a call returning one JSON value, answered as (body, ETag, id): the ETag is
 * the MD5 of the body, as check_if_match() computes it for If-Match, and the id is the
 * body's "id" member (a created resource's Location). */
#define DB_WITH_ETAG(call) "SELECT b::text, md5(b::text), b->>'id' FROM " call " b"
/* The same for a read, answered as (body, ETag): b->>'id' reads all of a json value (json,
 * not jsonb, is parsed on every access), so on a read, which needs no Location, it only
 * cost time: 0.2 s of the 21 MB document and 0.5 s of the 46 MB report of the large plan
 * of make bench-scale. */
#define DB_READ_ETAG(call) "SELECT b::text, md5(b::text) FROM " call " b"
/* The edit and the deletion of an item, db_<name>_update and db_<name>_delete, alike for
 * plans, units, axes, agreements and activities: calls of api_<name>_update(sub, role, id,
 * body, If-Match) and api_<name>_delete(sub, role, id). */
#define DB_ITEM_WRITES(name)                                                                \
	DB_STMT(db_##name##_update,                                                         \
	        DB_WITH_ETAG("api_" #name "_update($1, $2, $3::bigint, $4::jsonb, $5)"));  \
	DB_STMT(db_##name##_delete, DB_WITH_ETAG("api_" #name "_delete($1, $2, $3::bigint)"))

/* How a statement ended, as the callers need to tell it apart. */
enum db_err {
	DB_OK = 0,
	DB_NOT_FOUND,     /* no row, or raised P0404 */
	DB_CONFLICT,      /* state conflict or uniqueness (P0409, 23505) */
	DB_FORBIDDEN,     /* a relation the policy needs does not hold (P0403) */
	DB_PRECONDITION,  /* If-Match did not match (P0412) */
	DB_INVALID,       /* the data breaks a rule (P0422, check/foreign key violations) */
	DB_RATE_LIMITED,  /* P0429 */
	DB_UNAVAILABLE,   /* no connection, timeout, database down */
	DB_ERROR,         /* anything else: a bug */
};

/* The answer of an API statement: one row whose first column is the JSON body, whose
 * optional second column is its ETag (for a list, the key after which the next page
 * starts) and whose optional third column is the resource's id. */
struct db_reply {
	enum db_err err;
	char *body;        /* owned, NULL unless DB_OK */
	char *etag;        /* owned, may be NULL */
	int64_t id;        /* 0 when not returned */
	char reason[64];   /* the raised message or constraint name on an error */
	char *extra;       /* owned: DETAIL of a raised error (e.g. a JSON errors array) */
};

struct db_conn;

/* Creates the pool of size connections to url (connected lazily), whose statements run in
 * time_zone (an IANA name) with rendicion.answer_days set to answer_days (ANSWER_DAYS, read
 * by the observation trigger of migrations/functions/17_observations.sql) and
 * rendicion.mail on when mail is configured (outbox_mail_on() of
 * migrations/functions/18_users.sql), set per transaction behind a transaction pooler
 * (db/session.c); false on bad url. */
bool db_pool_init(const char *url, int size, const char *time_zone, int answer_days,
                  bool mail, bool transaction_pooler);
/* Closes every connection. */
void db_pool_close(void);
/* Takes a healthy connection, waiting a bounded time; NULL when the database is unavailable. */
struct db_conn *db_acquire(void);
/* Gives a connection back (rolled back and reset if it was left in a bad state). */
void db_release(struct db_conn *c);
/* Runs a prepared statement; returns the result (caller PQclear()s) or NULL with *err set
 * and, when given, the reason copied into reason[64]. */
PGresult *db_exec(struct db_conn *c, struct db_stmt *s, int n, const char *const *vals,
                  enum db_err *err, char *reason);
/* Maps a failed result (r may be NULL) to how callers must treat it; the raised message or
 * constraint name goes into reason[64] when given. */
enum db_err db_classify(PGconn *pg, const PGresult *r, char *reason);
/* Runs plain SQL without parameters (migrations, transaction control); false on error,
 * with the server's message copied into msg (if given, 256 bytes). */
bool db_exec_sql(struct db_conn *c, const char *sql, char *msg);
/* Acquires, runs a statement, releases; returns its rows (caller PQclear()s), or NULL with
 * r's error fields set (r zeroed first; DB_UNAVAILABLE when no connection could be had). */
PGresult *db_rows(struct db_stmt *s, int n, const char *const *vals, struct db_reply *r);
/* Runs an API statement (db_rows) and fills r from its one row: body, ETag, id (free with
 * db_reply_free). */
void db_call(struct db_stmt *s, int n, const char *const *vals, struct db_reply *r);
/* Frees what db_call allocated. */
void db_reply_free(struct db_reply *r);
/* Runs fn inside BEGIN/COMMIT on c, rolling back when fn returns false. */
bool db_tx(struct db_conn *c, bool (*fn)(struct db_conn *, void *), void *arg);
/* Writes v as decimal text into buf (INT_TEXT_MAX bytes) and returns buf: a statement
 * parameter. */
const char *db_int(char *buf, int64_t v);
/* "t" or "f": a boolean statement parameter. */
const char *db_bool(bool v);
/* Pool figures for /metrics. */
void db_pool_stats(int *size, int *in_use, uint64_t *waits, uint64_t *unavailable);

#endif
