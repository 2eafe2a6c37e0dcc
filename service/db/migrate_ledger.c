/* The migrations' ledger: see db/migrate_ledger.h, and db/migrate.c for the two kinds of
 * migration file. */
#include "db/migrate_ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/version.h"
#include "db/migrate.h"

DB_STMT(mig_exists, "SELECT to_regclass('schema_migrations') IS NOT NULL");
DB_STMT(mig_rows, "SELECT name, sha256, to_char(applied_at AT TIME ZONE 'UTC', "
                 "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM schema_migrations ORDER BY name");

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

const char *
ledger_earlier_sum(const char *name)
{
	for (size_t i = 0; i < N_EARLIER; i++)
		if (strcmp(earlier[i].name, name) == 0)
			return earlier[i].sum;
	return NULL;
}

/* True if sum is what release 1 recorded for the file name. */
static bool
earlier_is(const char *name, const char *sum)
{
	const char *was = ledger_earlier_sum(name);

	return was != NULL && strcmp(was, sum) == 0;
}

void
ledger_file_sum(const struct asset_migration *m, char sum[SUM_HEX])
{
	unsigned char hash[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(hash, (const unsigned char *)m->sql, (size_t)(m->end - m->sql));
	sodium_bin2hex(sum, SUM_HEX, hash, sizeof hash);
}

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

void
ledger_free(struct ledger *l)
{
	PQclear(l->rows);
	free(l->state);
	free((void *)l->applied_at);
	memset(l, 0, sizeof *l);
}

bool
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

		ledger_file_sum(m, sum);
		l->state[i] = M_PENDING;
		for (int k = 0; l->rows && k < PQntuples(l->rows); k++) {
			const char *recorded = PQgetvalue(l->rows, k, 1);

			if (strcmp(PQgetvalue(l->rows, k, 0), m->name) != 0)
				continue;
			l->applied_at[i] = PQgetvalue(l->rows, k, 2);
			l->state[i] = strcmp(recorded, sum) == 0 || earlier_is(m->name, recorded)
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

bool
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

int
ledger_print_status(const struct ledger *l)
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

