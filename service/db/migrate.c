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

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assets.h"
#include "core/version.h"
#include "db/pool.h"

#define MIGRATE_LOCK "7243001" /* an arbitrary application-wide advisory lock key */
#define SUM_HEX (crypto_hash_sha256_BYTES * 2 + 1)

DB_STMT(mig_exists, "SELECT to_regclass('schema_migrations') IS NOT NULL");
DB_STMT(mig_rows, "SELECT name, sha256, to_char(applied_at AT TIME ZONE 'UTC', "
                 "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM schema_migrations ORDER BY name");
DB_STMT(mig_record, "INSERT INTO schema_migrations (name, sha256) VALUES ($1, $2)");
DB_STMT(mig_rerecord, "UPDATE schema_migrations SET sha256 = $2 WHERE name = $1 AND sha256 = $3");

/* Release 1 (ef6c32a) created its functions and triggers inside the numbered files.
 * Release 2 moved them to migrations/functions/, which changed the text (so the SHA-256)
 * of these files but not the tables and indexes they make. A database that recorded one
 * of these sums has that structure already: the file is not run again, and its row takes
 * the current sum, in the functions' transaction, so that a later release needs only the
 * current sums and an upgrade that fails leaves the rows release 1's binary accepts.
 * 002_audit.sql, 003_plans.sql and 004_structure.sql held nothing but functions: they
 * are gone, and their rows stay as the record of what release 1 applied. */
static const struct {
	const char *name;
	const char *sum;
} earlier[] = {
	/* 001's first comment named a contract file the repository does not hold. */
	{"001_schema.sql", "38711cc49900180521e4ccc134bd3ff99004057caee663ee4ce9d68bb5234be7"},
	{"005_progress.sql", "866653ade51e6e53af451cb78a7737c1439b4eec0fe6dd06633afc89a9f3c3dc"},
	{"006_observations.sql", "c8dbe947ddfefb55b3a7bc8d5329955f41458ede683df5b276e25365801528fa"},
	{"007_accounts.sql", "2cd5f645f0c0a649bf84bad413db5eb29938926aedfb8955d2211f3e16cbe5b9"},
};
#define N_EARLIER (sizeof earlier / sizeof earlier[0])

/* Numbered files release 1 applied that this release no longer has (see above): known, so a
 * database that recorded them is not taken for one migrated by a newer release. */
static const char *const retired[] = {"002_audit.sql", "003_plans.sql", "004_structure.sql"};
#define N_RETIRED (sizeof retired / sizeof retired[0])

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

struct one {
	const struct asset_migration *m;
	const char *sum;
};

/* The SHA-256 of a file's text, in hex. */
static void
file_sum(const struct asset_migration *m, char sum[SUM_HEX])
{
	unsigned char hash[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(hash, (const unsigned char *)m->sql, (size_t)(m->end - m->sql));
	sodium_bin2hex(sum, SUM_HEX, hash, sizeof hash);
}

/* True if sum is what release 1 recorded for the file name (see earlier[]). */
static bool
is_earlier(const char *name, const char *sum)
{
	for (size_t i = 0; i < N_EARLIER; i++)
		if (strcmp(earlier[i].name, name) == 0 && strcmp(earlier[i].sum, sum) == 0)
			return true;
	return false;
}

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

		file_sum(m, sum);
		for (size_t i = 0; i < N_EARLIER; i++) {
			const char *vals[3] = {m->name, sum, earlier[i].sum};
			enum db_err err;
			PGresult *r;

			if (strcmp(earlier[i].name, m->name) != 0)
				continue;
			r = db_exec(c, &mig_rerecord, 3, vals, &err, NULL);
			if (r == NULL)
				return false;
			if (strcmp(PQcmdTuples(r), "1") == 0)
				printf("%s %s with its current text (release 1's was applied)\n",
				       run->dry ? "would record" : "recorded", m->name);
			PQclear(r);
		}
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

/* The database's record against the files compiled in: where each numbered file stands. */
enum mig_state { M_APPLIED, M_PENDING, M_CHANGED };

struct ledger {
	PGresult *rows;               /* name, sha256, applied_at of schema_migrations; or NULL */
	enum mig_state *state;        /* per asset_migrations entry */
	const char **applied_at;      /* per asset_migrations entry, NULL when pending */
	int n, pending, changed, unknown;
};

static bool
is_retired(const char *name)
{
	for (size_t i = 0; i < N_RETIRED; i++)
		if (strcmp(retired[i], name) == 0)
			return true;
	return false;
}

static bool
is_compiled_in(const char *name)
{
	for (const struct asset_migration *m = asset_migrations; m->name; m++)
		if (strcmp(m->name, name) == 0)
			return true;
	return false;
}

static void
ledger_free(struct ledger *l)
{
	PQclear(l->rows);
	free(l->state);
	free((void *)l->applied_at);
	memset(l, 0, sizeof *l);
}

/* Reads schema_migrations (absent on a database never migrated: everything pending) and
 * compares it with the files; changes nothing. False when the database cannot be read. */
static bool
ledger_read(struct db_conn *c, struct ledger *l)
{
	enum db_err err;
	PGresult *r;
	bool exists;

	memset(l, 0, sizeof *l);
	for (const struct asset_migration *m = asset_migrations; m->name; m++)
		l->n++;
	l->state = calloc((size_t)l->n + 1, sizeof *l->state);
	l->applied_at = calloc((size_t)l->n + 1, sizeof *l->applied_at);
	if (l->state == NULL || l->applied_at == NULL)
		return false;
	r = db_exec(c, &mig_exists, 0, NULL, &err, NULL);
	if (r == NULL)
		return false;
	exists = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	if (exists) {
		l->rows = db_exec(c, &mig_rows, 0, NULL, &err, NULL);
		if (l->rows == NULL)
			return false;
	}
	for (int i = 0; i < l->n; i++) {
		const struct asset_migration *m = &asset_migrations[i];
		char sum[SUM_HEX];

		file_sum(m, sum);
		l->state[i] = M_PENDING;
		for (int k = 0; l->rows && k < PQntuples(l->rows); k++) {
			const char *recorded = PQgetvalue(l->rows, k, 1);

			if (strcmp(PQgetvalue(l->rows, k, 0), m->name) != 0)
				continue;
			l->applied_at[i] = PQgetvalue(l->rows, k, 2);
			l->state[i] = strcmp(recorded, sum) == 0 || is_earlier(m->name, recorded)
			              ? M_APPLIED : M_CHANGED;
		}
		l->pending += l->state[i] == M_PENDING;
		l->changed += l->state[i] == M_CHANGED;
	}
	for (int k = 0; l->rows && k < PQntuples(l->rows); k++) {
		const char *name = PQgetvalue(l->rows, k, 0);

		l->unknown += !is_compiled_in(name) && !is_retired(name);
	}
	return true;
}

/* Prints why the ledger stops a migrate (or serve); false when nothing does. */
static bool
ledger_refuses(const struct ledger *l)
{
	for (int k = 0; l->rows && k < PQntuples(l->rows); k++) {
		const char *name = PQgetvalue(l->rows, k, 0);

		if (!is_compiled_in(name) && !is_retired(name)) {
			fprintf(stderr, "rendicion: the database holds migration %s, which this binary "
			                "(%s, schema %d) does not know: it was migrated by a newer "
			                "release; run that release\n", name, rendicion_version,
			        migrate_schema());
			return true;
		}
	}
	for (int i = 0; i < l->n; i++)
		if (l->state[i] == M_CHANGED) {
			fprintf(stderr, "rendicion: migration %s was changed after it was applied; "
			                "add a new migration instead\n", asset_migrations[i].name);
			return true;
		}
	return false;
}

/* migrate --status: one line per numbered file and per row the binary does not know. */
static int
print_status(const struct ledger *l)
{
	for (int k = 0; l->rows && k < PQntuples(l->rows); k++) {
		const char *name = PQgetvalue(l->rows, k, 0);

		if (is_retired(name))
			printf("applied  %-28s %s (release 1; its content now lives elsewhere)\n", name,
			       PQgetvalue(l->rows, k, 2));
	}
	for (int i = 0; i < l->n; i++) {
		static const char *const word[] = {"applied", "pending", "CHANGED"};

		if (l->applied_at[i])
			printf("%-8s %-28s %s\n", word[l->state[i]], asset_migrations[i].name,
			       l->applied_at[i]);
		else
			printf("%-8s %s\n", word[l->state[i]], asset_migrations[i].name);
	}
	for (int k = 0; l->rows && k < PQntuples(l->rows); k++) {
		const char *name = PQgetvalue(l->rows, k, 0);

		if (!is_compiled_in(name) && !is_retired(name))
			printf("UNKNOWN  %-28s %s (not known to this binary)\n", name,
			       PQgetvalue(l->rows, k, 2));
	}
	if (l->unknown || l->changed) {
		ledger_refuses(l);
		return 1;
	}
	if (l->pending) {
		printf("%d pending (schema of this binary: %d)\n", l->pending, migrate_schema());
		return 1;
	}
	printf("up to date (schema %d)\n", migrate_schema());
	return 0;
}

/* Applies every pending file, each in its own transaction, then the function files. */
static int
apply_all(struct db_conn *c, const struct ledger *l)
{
	struct fn_run run = {0, false};
	int applied = 0;

	if (!db_exec_sql(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                    " name text PRIMARY KEY, sha256 text NOT NULL,"
	                    " applied_at timestamptz NOT NULL DEFAULT now())", NULL))
		return 1;
	for (int i = 0; i < l->n; i++) {
		char sum[SUM_HEX];
		struct one o = {&asset_migrations[i], sum};

		if (l->state[i] != M_PENDING)
			continue;
		file_sum(o.m, sum);
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
	    !db_exec_sql(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                    " name text PRIMARY KEY, sha256 text NOT NULL,"
	                    " applied_at timestamptz NOT NULL DEFAULT now())", msg)) {
		fprintf(stderr, "rendicion: cannot start the dry run: %s", msg);
		db_exec_sql(c, "ROLLBACK", NULL);
		return 1;
	}
	for (int i = 0; ok && i < l->n; i++) {
		char sum[SUM_HEX];
		struct one o = {&asset_migrations[i], sum};

		if (l->state[i] != M_PENDING)
			continue;
		file_sum(o.m, sum);
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
		rc = print_status(&l);
	} else if (ledger_refuses(&l)) {
		rc = 1;
	} else {
		rc = mode == MIGRATE_DRY_RUN ? dry_run(c, &l) : apply_all(c, &l);
	}
	ledger_free(&l);
	if (mode != MIGRATE_STATUS)
		db_exec_sql(c, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")", NULL);
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
