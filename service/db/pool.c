/* A fixed pool of libpq connections shared by the request threads. Connections are made
 * lazily and remade after a failure; statements are prepared per connection on first use
 * and again after a reconnect (prepared statements die with the session), or, behind a
 * transaction pooler, sent unnamed with the settings of db/session.c. */
#include "db/pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/limits.h"
#include "core/log.h"
#include "db/session.h"

#define ACQUIRE_WAIT_MS 2000 /* bounded: a saturated pool answers 503, never hangs */

struct db_conn {
	PGconn *pg;
	bool prepared[DB_MAX_STMTS];
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct db_conn *conns;
	struct db_conn **free;    /* stack of idle connections */
	int size, nfree;
	char *url;
	uint64_t waits, unavailable;
} pool = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static atomic_int next_slot;

/* Settings that bound every wait (connecting here; statements, locks and idle sessions in
 * db/session.c, which also sets the administration's time zone). */
static const char *const conn_keys[] = {
	"dbname", "connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval",
	"keepalives_count", "tcp_user_timeout", "application_name", "options", NULL};
static const char *conn_vals[] = {
	NULL, "3", "1", "30", "10", "3", "10000", "rendicion", NULL, NULL};

bool
db_pool_init(const char *url, int size, const char *time_zone, int answer_days,
             bool mail, bool transaction_pooler)
{
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &err);

	if (!db_session_init(transaction_pooler, time_zone, answer_days, mail)) {
		fprintf(stderr, "rendicion: configuration error: TIME_ZONE is too long\n");
		PQconninfoFree(opts);
		PQfreemem(err);
		return false;
	}
	conn_vals[8] = db_session_options();

	if (opts == NULL) {
		fprintf(stderr, "rendicion: configuration error: DATABASE_URL is not a valid "
		                "connection string: %s", err ? err : "out of memory\n");
		PQfreemem(err);
		return false;
	}
	PQconninfoFree(opts);
	pool.url = strdup(url);
	pool.size = size;
	pool.conns = calloc((size_t)size, sizeof *pool.conns);
	/* An array of pointers to connections: sizeof a pointer is meant. */
	pool.free = calloc((size_t)size, sizeof *pool.free); /* NOLINT(bugprone-sizeof-expression) */
	if (pool.url == NULL || pool.conns == NULL || pool.free == NULL)
		return false;
	for (int i = 0; i < size; i++)
		pool.free[pool.nfree++] = &pool.conns[i];
	return true;
}

void
db_pool_close(void)
{
	for (int i = 0; i < pool.size; i++)
		if (pool.conns[i].pg)
			PQfinish(pool.conns[i].pg);
	free(pool.conns);
	free(pool.free);
	free(pool.url);
	pool.conns = NULL;
	pool.free = NULL;
	pool.url = NULL;
	pool.size = pool.nfree = 0;
}

static bool
connect_conn(struct db_conn *c)
{
	if (c->pg)
		PQfinish(c->pg);
	memset(c->prepared, 0, sizeof c->prepared);
	conn_vals[0] = pool.url;
	c->pg = PQconnectdbParams(conn_keys, conn_vals, 1);
	if (c->pg && PQstatus(c->pg) == CONNECTION_OK)
		return true;
	log_msg(LOG_WARN, "database connection failed: %s",
	        c->pg ? PQerrorMessage(c->pg) : "out of memory");
	if (c->pg)
		PQfinish(c->pg);
	c->pg = NULL;
	return false;
}

struct db_conn *
db_acquire(void)
{
	struct db_conn *c = NULL;
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ACQUIRE_WAIT_MS / 1000;
	until.tv_nsec += (ACQUIRE_WAIT_MS % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&pool.mu);
	if (pool.nfree == 0)
		pool.waits++;
	while (pool.nfree == 0) {
		if (pthread_cond_timedwait(&pool.cv, &pool.mu, &until) == ETIMEDOUT &&
		    pool.nfree == 0)
			break;
	}
	if (pool.nfree > 0)
		c = pool.free[--pool.nfree];
	else
		pool.unavailable++;
	pthread_mutex_unlock(&pool.mu);
	if (c == NULL)
		return NULL;
	if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
		if (!connect_conn(c)) {
			db_release(c);
			pthread_mutex_lock(&pool.mu);
			pool.unavailable++;
			pthread_mutex_unlock(&pool.mu);
			return NULL;
		}
	}
	return c;
}

void
db_release(struct db_conn *c)
{
	/* A pipeline left unfinished by a broken connection (db/session.c): start afresh. */
	if (c->pg && PQpipelineStatus(c->pg) != PQ_PIPELINE_OFF) {
		PQfinish(c->pg);
		c->pg = NULL;
	}
	if (c->pg && PQstatus(c->pg) == CONNECTION_OK &&
	    PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
		PGresult *r = PQexec(c->pg, "ROLLBACK");

		PQclear(r);
	}
	pthread_mutex_lock(&pool.mu);
	pool.free[pool.nfree++] = c;
	pthread_cond_signal(&pool.cv);
	pthread_mutex_unlock(&pool.mu);
}

static int
stmt_slot(struct db_stmt *s)
{
	int slot = atomic_load(&s->slot);

	if (slot < 0) {
		int mine = atomic_fetch_add(&next_slot, 1);
		int expected = -1;

		if (atomic_compare_exchange_strong(&s->slot, &expected, mine))
			slot = mine;
		else
			slot = expected;
	}
	return slot;
}

/* The name s is prepared under: its variable's and a hash of its SQL, so that a statement
 * of that name met on a server connection shared through a pooler (with another release
 * of the service, say) is this very one. */
static void
stmt_name(const struct db_stmt *s, char *buf, size_t n)
{
	uint32_t h = 2166136261u;   /* FNV-1a */

	for (const char *p = s->sql; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	snprintf(buf, n, "%s_%08x", s->name, (unsigned)h);
}

/* Runs s on c; on failure returns NULL with r's error fields set (err, reason and, for
 * raised errors, the DETAIL in extra). */
static PGresult *
exec_stmt(struct db_conn *c, struct db_stmt *s, int n, const char *const *vals,
          struct db_reply *r)
{
	int slot = stmt_slot(s);
	const char *state, *detail;
	char name[96];
	PGresult *res;

	if (slot >= DB_MAX_STMTS) {
		log_msg(LOG_ERROR, "too many prepared statements: raise DB_MAX_STMTS");
		r->err = DB_ERROR;
		return NULL;
	}
	stmt_name(s, name, sizeof name);
	res = db_session_run(c->pg, name, s->sql, n, vals, &c->prepared[slot]);
	if (PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK) {
		r->err = DB_OK;
		return res;
	}
	r->err = db_classify(c->pg, res, r->reason);
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	/* Only our own raised errors carry a DETAIL meant for clients (a JSON pointer, a
	 * Retry-After); PostgreSQL's own (e.g. "Failing row contains …") would leak data. */
	if (detail && *detail && state && strncmp(state, "P04", 3) == 0)
		r->extra = strdup(detail);
	PQclear(res);
	return NULL;
}

PGresult *
db_exec(struct db_conn *c, struct db_stmt *s, int n, const char *const *vals,
        enum db_err *err, char *reason)
{
	struct db_reply r;
	PGresult *res;

	memset(&r, 0, sizeof r);
	res = exec_stmt(c, s, n, vals, &r);
	*err = r.err;
	if (reason)
		memcpy(reason, r.reason, sizeof r.reason);
	free(r.extra);
	return res;
}

bool
db_exec_sql(struct db_conn *c, const char *sql, char *msg)
{
	PGresult *r = PQexec(c->pg, sql);
	ExecStatusType st = PQresultStatus(r);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;

	if (!ok && msg)
		snprintf(msg, 256, "%s", PQerrorMessage(c->pg));
	PQclear(r);
	return ok;
}

PGresult *
db_rows(struct db_stmt *s, int n, const char *const *vals, struct db_reply *r)
{
	struct db_conn *c;
	PGresult *res;

	memset(r, 0, sizeof *r);
	c = db_acquire();
	if (c == NULL) {
		r->err = DB_UNAVAILABLE;
		return NULL;
	}
	res = exec_stmt(c, s, n, vals, r);
	db_release(c);
	return res;
}

void
db_call(struct db_stmt *s, int n, const char *const *vals, struct db_reply *r)
{
	PGresult *res = db_rows(s, n, vals, r);

	if (res == NULL)
		return;
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0)) {
		r->err = DB_NOT_FOUND;
	} else {
		r->body = strdup(PQgetvalue(res, 0, 0));
		if (PQnfields(res) > 1 && !PQgetisnull(res, 0, 1))
			r->etag = strdup(PQgetvalue(res, 0, 1));
		if (PQnfields(res) > 2 && !PQgetisnull(res, 0, 2))
			r->id = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
		if (r->body == NULL)
			r->err = DB_ERROR;
	}
	PQclear(res);
}

void
db_reply_free(struct db_reply *r)
{
	free(r->body);
	free(r->etag);
	free(r->extra);
	r->body = r->etag = r->extra = NULL;
}

bool
db_tx(struct db_conn *c, bool (*fn)(struct db_conn *, void *), void *arg)
{
	if (!db_exec_sql(c, "BEGIN", NULL))
		return false;
	if (db_session_per_transaction() && !db_session_apply(c->pg)) {
		db_exec_sql(c, "ROLLBACK", NULL);
		return false;
	}
	if (!fn(c, arg)) {
		db_exec_sql(c, "ROLLBACK", NULL);
		return false;
	}
	return db_exec_sql(c, "COMMIT", NULL);
}

void
db_pool_stats(int *size, int *in_use, uint64_t *waits, uint64_t *unavailable)
{
	pthread_mutex_lock(&pool.mu);
	*size = pool.size;
	*in_use = pool.size - pool.nfree;
	*waits = pool.waits;
	*unavailable = pool.unavailable;
	pthread_mutex_unlock(&pool.mu);
}

const char *
db_int(char *buf, int64_t v)
{
	snprintf(buf, INT_TEXT_MAX, "%lld", (long long)v);
	return buf;
}

const char *
db_bool(bool v)
{
	return v ? "t" : "f";
}
