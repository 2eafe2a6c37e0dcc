/* Migrations, in two kinds, under a session advisory lock so that two instances starting
 * together apply them once. The numbered files (tables, constraints, indexes, data moves)
 * are history: each runs once, in its own transaction, and is recorded with a SHA-256 of
 * its text; a recorded file whose text changed stops the run, and so does a recorded
 * file this binary does not know (a newer release migrated the database: this one would
 * misread its schema; serve refuses it too). The function files (functions, views,
 * triggers) are code: every run then drops what they define and runs them all again, in
 * name order, in one transaction. --status compares and lists; --dry-run does all of it in
 * one transaction that is rolled back. */
#include "db/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assets.h"
#include "db/migrate_ledger.h"
#include "db/pool.h"

#define MIGRATE_LOCK "7243001" /* an arbitrary application-wide advisory lock key */

DB_STMT(mig_record, "INSERT INTO schema_migrations (name, sha256) VALUES ($1, $2)");
DB_STMT(mig_rerecord, "UPDATE schema_migrations SET sha256 = $2 WHERE name = $1 AND sha256 = $3");

/* First in the functions' transaction: the triggers that call a function of the schema the
 * files create into, its views, then all its functions and procedures that no extension
 * owns, so that one removed from the files or given another signature does not linger.
 * No CASCADE: nothing but those triggers depends on the functions (no column default,
 * CHECK or index expression calls one), and anything that ever does stops the migrate
 * here instead of vanishing with them. */
static const char drop_functions[] =
	"DO $$\n"
	"DECLARE\n"
	"	v_ours oid[] := ARRAY(\n"
	"		SELECT p.oid FROM pg_proc p\n"
	"		WHERE p.pronamespace = current_schema()::regnamespace AND p.prokind IN ('f', 'p')\n"
	"		  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass\n"
	"		                  AND d.objid = p.oid AND d.deptype = 'e'));\n"
	"	v_stmt text;\n"
	"BEGIN\n"
	"	FOR v_stmt IN SELECT format('DROP TRIGGER %I ON %s', t.tgname, t.tgrelid::regclass)\n"
	"	              FROM pg_trigger t WHERE NOT t.tgisinternal AND t.tgfoid = ANY (v_ours) LOOP\n"
	"		EXECUTE v_stmt;\n"
	"	END LOOP;\n"
	"	SELECT 'DROP VIEW ' || string_agg(c.oid::regclass::text, ', ') INTO v_stmt\n"
	"	FROM pg_class c\n"
	"	WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'v'\n"
	"	  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass\n"
	"	                  AND d.objid = c.oid AND d.deptype = 'e');\n"
	"	IF v_stmt IS NOT NULL THEN EXECUTE v_stmt; END IF;\n"
	"	SELECT 'DROP ROUTINE ' || string_agg(f::regprocedure::text, ', ') INTO v_stmt\n"
	"	FROM unnest(v_ours) AS f;\n"
	"	IF v_stmt IS NOT NULL THEN EXECUTE v_stmt; END IF;\n"
	"END\n"
	"$$";

static const char create_ledger[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" name text PRIMARY KEY, sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())";

struct one {
	const struct asset_migration *m;
	const char *sum;
};

static bool
apply(struct db_conn *c, void *arg)
{
	struct one *o = arg;
	const char *vals[2] = {o->m->name, o->sum};
	char msg[256];
	enum db_err err;
	PGresult *r;

	if (!db_exec_sql(c, o->m->sql, msg)) {
		fprintf(stderr, "rendicion: migration %s failed: %s", o->m->name, msg);
		return false;
	}
	r = db_exec(c, &mig_record, 2, vals, &err, NULL);
	PQclear(r);
	return err == DB_OK;
}

/* What the functions' transaction did: function files run; dry: inside a dry run. */
struct fn_run {
	int files;
	bool dry;
};

/* The functions' transaction: release 1's rows take the current sums, then the functions,
 * views and triggers are dropped and the function files run again. */
static bool
apply_functions(struct db_conn *c, void *arg)
{
	char msg[256];
	struct fn_run *run = arg;

	for (const struct asset_migration *m = asset_migrations; m->name; m++) {
		char sum[SUM_HEX];
		const char *was = ledger_earlier_sum(m->name);
		const char *vals[3] = {m->name, sum, was};
		enum db_err err;
		PGresult *r;

		if (was == NULL)
			continue;
		ledger_file_sum(m, sum);
		r = db_exec(c, &mig_rerecord, 3, vals, &err, NULL);
		if (r == NULL)
			return false;
		if (strcmp(PQcmdTuples(r), "1") == 0)
			printf("%s %s with its current text (release 1's was applied)\n",
			       run->dry ? "would record" : "recorded", m->name);
		PQclear(r);
	}
	if (!db_exec_sql(c, drop_functions, msg)) {
		fprintf(stderr, "rendicion: cannot drop the functions to create them again: %s", msg);
		return false;
	}
	for (const struct asset_migration *m = asset_functions; m->name; m++) {
		if (!db_exec_sql(c, m->sql, msg)) {
			fprintf(stderr, "rendicion: migration %s failed: %s", m->name, msg);
			return false;
		}
		run->files++;
	}
	return true;
}

/* Applies every pending file, each in its own transaction, then the function files. */
static int
apply_all(struct db_conn *c, const struct ledger *l)
{
	struct fn_run run = {0, false};
	int applied = 0;

	if (!db_exec_sql(c, create_ledger, NULL))
		return 1;
	for (int i = 0; i < l->n; i++) {
		char sum[SUM_HEX];
		struct one o = {&asset_migrations[i], sum};

		if (l->state[i] != M_PENDING)
			continue;
		ledger_file_sum(o.m, sum);
		if (!db_tx(c, apply, &o))
			return 1;
		printf("applied %s\n", o.m->name);
		applied++;
	}
	if (!db_tx(c, apply_functions, &run))
		return 1;
	printf("migrations up to date (%d applied now, %d function files run)\n", applied,
	       run.files);
	return 0;
}

/* migrate --dry-run: what migrate would do, done in one transaction that is rolled back,
 * so a file that would fail fails here, and nothing changes. */
static int
dry_run(struct db_conn *c, const struct ledger *l)
{
	char msg[256];
	struct fn_run run = {0, true};
	bool ok = true;

	if (!db_exec_sql(c, "BEGIN", msg) ||
	    !db_exec_sql(c, create_ledger, msg)) {
		fprintf(stderr, "rendicion: cannot start the dry run: %s", msg);
		db_exec_sql(c, "ROLLBACK", NULL);
		return 1;
	}
	for (int i = 0; ok && i < l->n; i++) {
		char sum[SUM_HEX];
		struct one o = {&asset_migrations[i], sum};

		if (l->state[i] != M_PENDING)
			continue;
		ledger_file_sum(o.m, sum);
		ok = apply(c, &o);
		if (ok)
			printf("would apply %s\n", o.m->name);
	}
	ok = ok && apply_functions(c, &run);
	db_exec_sql(c, "ROLLBACK", NULL);
	if (!ok)
		return 1;
	printf("would run %d function files; %d migrations would be applied "
	       "(tried in a transaction, rolled back: nothing changed)\n", run.files, l->pending);
	return 0;
}

int
migrate_schema(void)
{
	int n = 0;

	/* "007_accounts.sql" is 7: the names start with their number (README). */
	for (const struct asset_migration *m = asset_migrations; m->name; m++)
		n = (int)strtol(m->name, NULL, 10);
	return n;
}

int
migrate_run(enum migrate_mode mode)
{
	struct db_conn *c = db_acquire();
	struct ledger l;
	int rc;

	if (c == NULL) {
		fprintf(stderr, "rendicion: cannot connect to the database (DATABASE_URL)\n");
		return 1;
	}
	/* A migration may rewrite whole tables (014 adds stored columns and GIN indexes: 33 s
	 * over the bench's 100,000 observations): the requests' 5 s statement limit
	 * (db/pool.c) is not for it. */
	if (!db_exec_sql(c, "SET statement_timeout = 0", NULL)) {
		db_release(c);
		fprintf(stderr, "rendicion: cannot lift the statement timeout for migrating\n");
		return 1;
	}
	/* --status only reads: it neither waits for nor blocks a migrate in progress. */
	if (mode != MIGRATE_STATUS &&
	    !db_exec_sql(c, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")", NULL)) {
		db_release(c);
		fprintf(stderr, "rendicion: cannot take the migration lock\n");
		return 1;
	}
	if (!ledger_read(c, &l)) {
		fprintf(stderr, "rendicion: cannot read schema_migrations\n");
		rc = 1;
	} else if (mode == MIGRATE_STATUS) {
		rc = ledger_print_status(&l);
	} else if (ledger_refuses(&l)) {
		rc = 1;
	} else {
		rc = mode == MIGRATE_DRY_RUN ? dry_run(c, &l) : apply_all(c, &l);
	}
	ledger_free(&l);
	if (mode != MIGRATE_STATUS)
		db_exec_sql(c, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")", NULL);
	db_exec_sql(c, "RESET statement_timeout", NULL);
	db_release(c);
	return rc;
}

int
migrate_check(void)
{
	struct db_conn *c = db_acquire();
	struct ledger l;
	int rc = 0;

	if (c == NULL)
		return 2;
	if (!ledger_read(c, &l)) {
		rc = 2;
	} else if (l.unknown) {
		ledger_refuses(&l);
		rc = 1;
	} else if (l.pending || l.changed) {
		fprintf(stderr, "rendicion: warning: the database is not migrated to this binary's "
		                "schema %d (rendicion migrate --status)\n", migrate_schema());
	}
	ledger_free(&l);
	db_release(c);
	return rc;
}
