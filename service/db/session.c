/* The settings every statement runs under (timeouts, JIT off, the administration's time
 * zone, ANSWER_DAYS, whether mail is on) and how they reach PostgreSQL. Behind PostgreSQL or a session pooler
 * they are the connection's startup options, sent once. Behind a transaction pooler
 * (PgBouncer, DB_POOL_MODE=transaction) a session is not ours from one statement to the
 * next: startup options are refused (PgBouncer 1.18: "unsupported startup parameter"),
 * a SET would stay on the server connection for whoever gets it next, and a statement
 * prepared on one server connection is missing (26000) or already there (42P05) on
 * another. There each statement goes in one pipeline behind set_config(..., true) of
 * every setting: one round trip, one implicit transaction, nothing outlives it. Prepared
 * statements are kept (an unnamed one is planned on every call: measured in README,
 * Beyond one machine), and named after their SQL, so a statement of that name on any
 * server connection is this one. */
#include "db/session.h"

#include <stdio.h>
#include <string.h>

enum { NSET = 8 };

static const char *const names[NSET] = {
	"statement_timeout", "idle_in_transaction_session_timeout", "lock_timeout",
	"client_min_messages", "jit", "TimeZone", "rendicion.answer_days", "rendicion.mail"};
static char values[NSET][72] = {"5000", "10000", "2000", "warning", "off", "", "", "off"};
static const char *params[2 * NSET];
static char options[NSET * 96];
static bool per_transaction;

/* set_config(name, value, true): local to the transaction the statement runs in. */
static const char settings_sql[] =
	"SELECT set_config($1, $2, true), set_config($3, $4, true), set_config($5, $6, true), "
	"set_config($7, $8, true), set_config($9, $10, true), set_config($11, $12, true), "
	"set_config($13, $14, true), set_config($15, $16, true)";

bool
db_session_init(bool transaction_pooler, const char *time_zone, int answer_days, bool mail)
{
	size_t used = 0;

	per_transaction = transaction_pooler;
	if ((size_t)snprintf(values[5], sizeof values[5], "%s", time_zone) >= sizeof values[5])
		return false;
	snprintf(values[6], sizeof values[6], "%d", answer_days);
	snprintf(values[7], sizeof values[7], "%s", mail ? "on" : "off");
	/* config.c allows zone names of letters, digits and "_+-/" only: no blank to escape. */
	for (size_t i = 0; i < NSET; i++) {
		int n = snprintf(options + used, sizeof options - used, "%s-c %s=%s",
		                 i ? " " : "", names[i], values[i]);

		if (n < 0 || (size_t)n >= sizeof options - used)
			return false;
		used += (size_t)n;
		params[2 * i] = names[i];
		params[2 * i + 1] = values[i];
	}
	return true;
}

const char *
db_session_options(void)
{
	return per_transaction ? NULL : options;
}

bool
db_session_per_transaction(void)
{
	return per_transaction;
}

bool
db_session_apply(PGconn *pg)
{
	PGresult *r = PQexecParams(pg, settings_sql, 2 * NSET, NULL, params, NULL, NULL, 0);
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;

	PQclear(r);
	return ok;
}

/* Collects one query's results in a pipeline; keeps the first, clears the rest. */
static PGresult *
one_result(PGconn *pg)
{
	PGresult *first = PQgetResult(pg), *r;

	if (first == NULL)
		return NULL;
	while ((r = PQgetResult(pg)) != NULL)
		PQclear(r);
	return first;
}

static bool
failed(const PGresult *r)
{
	return PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK;
}

enum how { RUN_PREPARED, PREPARE_AND_RUN, RUN_UNNAMED };

/* One round trip, one implicit transaction: the settings, then the statement run as how
 * says. Returns the first failure (later parts are skipped), else the statement's result;
 * NULL if nothing could be sent (the pool drops a connection left in pipeline mode). */
static PGresult *
pipelined(PGconn *pg, enum how how, const char *name, const char *sql, int n,
          const char *const *vals)
{
	PGresult *res[3] = {NULL, NULL, NULL}, *sync, *out = NULL;
	int parts = how == PREPARE_AND_RUN ? 3 : 2;
	bool sent = PQenterPipelineMode(pg) &&
	            PQsendQueryParams(pg, settings_sql, 2 * NSET, NULL, params, NULL, NULL, 0);

	if (sent && how == PREPARE_AND_RUN)
		sent = PQsendPrepare(pg, name, sql, 0, NULL);
	if (sent && how == RUN_UNNAMED)
		sent = PQsendQueryParams(pg, sql, n, NULL, vals, NULL, NULL, 0);
	else if (sent)
		sent = PQsendQueryPrepared(pg, name, n, vals, NULL, NULL, 0);
	if (!sent || !PQpipelineSync(pg))
		return NULL;
	for (int i = 0; i < parts; i++)
		res[i] = one_result(pg);
	sync = PQgetResult(pg);
	if (PQresultStatus(sync) == PGRES_PIPELINE_SYNC)
		PQexitPipelineMode(pg);
	PQclear(sync);
	for (int i = 0; i < parts; i++) {
		if (out == NULL && (failed(res[i]) || i == parts - 1))
			out = res[i];
		else
			PQclear(res[i]);
	}
	return out;
}

static bool
has_state(const PGresult *r, const char *state)
{
	const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	return s && strcmp(s, state) == 0;
}

/* Prepares and runs on a session of our own: PostgreSQL, or a session pooler that might
 * still reset it (26000: prepared again, once) or hand us one that has it (42P05). */
static PGresult *
run_in_session(PGconn *pg, const char *name, const char *sql, int n,
               const char *const *vals, bool *prepared)
{
	for (int attempt = 0;; attempt++) {
		PGresult *res;

		if (!*prepared) {
			res = PQprepare(pg, name, sql, 0, NULL);
			if (failed(res) && !has_state(res, "42P05"))
				return res;
			PQclear(res);
			*prepared = true;
		}
		res = PQexecPrepared(pg, name, n, vals, NULL, NULL, 0);
		if (!has_state(res, "26000") || attempt == 1)
			return res;
		*prepared = false;
		PQclear(res);
	}
}

PGresult *
db_session_run(PGconn *pg, const char *name, const char *sql, int n,
               const char *const *vals, bool *prepared)
{
	if (!per_transaction)
		return run_in_session(pg, name, sql, n, vals, prepared);
	/* In an explicit transaction (db_tx) the settings were applied after its BEGIN; an
	 * error there would end it, so nothing is tried twice. */
	if (PQtransactionStatus(pg) != PQTRANS_IDLE)
		return PQexecParams(pg, sql, n, NULL, vals, NULL, NULL, 0);
	/* Each round trip may reach another server connection: what this connection knows is
	 * a guess, corrected by the answer. A statement missing there is prepared with it; one
	 * already there is run; the third try is unnamed, which needs nothing of the server. */
	for (int attempt = 0;; attempt++) {
		enum how how = attempt == 2 ? RUN_UNNAMED : *prepared ? RUN_PREPARED : PREPARE_AND_RUN;
		PGresult *res = pipelined(pg, how, name, sql, n, vals);

		if (how == RUN_PREPARED && has_state(res, "26000"))
			*prepared = false;
		else if (how == PREPARE_AND_RUN && has_state(res, "42P05"))
			*prepared = true;
		else {
			if (how == PREPARE_AND_RUN && !failed(res))
				*prepared = true;
			return res;
		}
		PQclear(res);
	}
}
