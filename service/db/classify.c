/* How a failed statement is told to callers: SQLSTATE to enum db_err (db/pool.h). */
#include "db/pool.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"

enum db_err
db_classify(PGconn *pg, const PGresult *r, char *reason)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *cons = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;
	enum db_err e = DB_ERROR;

	if (reason)
		reason[0] = '\0';
	if (PQstatus(pg) != CONNECTION_OK || state == NULL)
		return DB_UNAVAILABLE;
	if (strncmp(state, "P04", 3) == 0) {
		if (strcmp(state, "P0404") == 0)
			e = DB_NOT_FOUND;
		else if (strcmp(state, "P0409") == 0)
			e = DB_CONFLICT;
		else if (strcmp(state, "P0403") == 0)
			e = DB_FORBIDDEN;
		else if (strcmp(state, "P0412") == 0)
			e = DB_PRECONDITION;
		else if (strcmp(state, "P0422") == 0)
			e = DB_INVALID;
		else if (strcmp(state, "P0429") == 0)
			e = DB_RATE_LIMITED;
		if (reason && msg)
			snprintf(reason, 64, "%s", msg);
		return e;
	}
	if (strcmp(state, "23505") == 0 || strcmp(state, "23P01") == 0)
		e = DB_CONFLICT;
	else if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
		e = DB_INVALID;
	else if (strncmp(state, "08", 2) == 0 || strcmp(state, "57014") == 0 ||
	         strcmp(state, "55P03") == 0 || strcmp(state, "40001") == 0 ||
	         strcmp(state, "40P01") == 0 || strncmp(state, "57P", 3) == 0 ||
	         strcmp(state, "53300") == 0)
		e = DB_UNAVAILABLE;
	if (reason)
		snprintf(reason, 64, "%s", cons ? cons : state);
	if (e == DB_ERROR)
		log_msg(LOG_ERROR, "database error %s: %s", state, msg ? msg : "");
	return e;
}

