/* The settings every statement runs under, per session or per transaction (session.c). */
#ifndef DB_SESSION_H
#define DB_SESSION_H

#include <libpq-fe.h>
#include <stdbool.h>

/* Sets the values (time_zone: an IANA name; answer_days: ANSWER_DAYS, read by the
 * observation trigger of migrations/functions/17_observations.sql; mail: whether mail is
 * configured, read by outbox_mail_on() of migrations/functions/18_users.sql) and whether
 * they go with every transaction (a transaction pooler) or once per session; false if
 * too long. */
bool db_session_init(bool transaction_pooler, const char *time_zone, int answer_days,
                     bool mail);
/* The libpq "options" of a new connection; NULL when the settings go per transaction. */
const char *db_session_options(void);
bool db_session_per_transaction(void);
/* Applies the settings to the explicit transaction pg is in (after its BEGIN). */
bool db_session_apply(PGconn *pg);
/* Runs the statement sql named name (a name that only this SQL has) on pg; *prepared
 * says whether pg's session is thought to have it, and is updated. Behind a transaction
 * pooler the settings go in the same implicit transaction and round trip (or pg is in
 * an explicit transaction: db_session_apply). NULL if nothing could be sent. */
PGresult *db_session_run(PGconn *pg, const char *name, const char *sql, int n,
                         const char *const *vals, bool *prepared);

#endif
