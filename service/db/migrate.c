/* Each migration runs in its own transaction under a session advisory lock, so two
 * instances starting together apply it once. Applied files are recorded with a SHA-256
 * of their text; a recorded file whose text changed stops the run. */
#include "db/migrate.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/assets.h"
#include "db/pool.h"

#define MIGRATE_LOCK "7243001" /* an arbitrary application-wide advisory lock key */

DB_STMT(mig_applied, "SELECT sha256 FROM schema_migrations WHERE name = $1");
DB_STMT(mig_record, "INSERT INTO schema_migrations (name, sha256) VALUES ($1, $2)");

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

static int
run(struct db_conn *c)
{
	int applied = 0;

	if (!db_exec_sql(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                    " name text PRIMARY KEY, sha256 text NOT NULL,"
	                    " applied_at timestamptz NOT NULL DEFAULT now())", NULL))
		return 1;
	for (const struct asset_migration *m = asset_migrations; m->name; m++) {
		unsigned char hash[crypto_hash_sha256_BYTES];
		char sum[crypto_hash_sha256_BYTES * 2 + 1];
		const char *vals[1] = {m->name};
		struct one o = {m, sum};
		enum db_err err;
		PGresult *r;

		crypto_hash_sha256(hash, (const unsigned char *)m->sql, (size_t)(m->end - m->sql));
		sodium_bin2hex(sum, sizeof sum, hash, sizeof hash);
		r = db_exec(c, &mig_applied, 1, vals, &err, NULL);
		if (r == NULL) {
			fprintf(stderr, "rendicion: cannot read schema_migrations\n");
			return 1;
		}
		if (PQntuples(r) == 1) {
			bool same = strcmp(PQgetvalue(r, 0, 0), sum) == 0;

			PQclear(r);
			if (!same) {
				fprintf(stderr, "rendicion: migration %s was changed after it was applied; "
				                "add a new migration instead\n", m->name);
				return 1;
			}
			continue;
		}
		PQclear(r);
		if (!db_tx(c, apply, &o))
			return 1;
		printf("applied %s\n", m->name);
		applied++;
	}
	printf("migrations up to date (%d applied now)\n", applied);
	return 0;
}

int
migrate_run(void)
{
	struct db_conn *c = db_acquire();
	int rc;

	if (c == NULL) {
		fprintf(stderr, "rendicion: cannot connect to the database (DATABASE_URL)\n");
		return 1;
	}
	if (!db_exec_sql(c, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")", NULL)) {
		db_release(c);
		fprintf(stderr, "rendicion: cannot take the migration lock\n");
		return 1;
	}
	rc = run(c);
	db_exec_sql(c, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")", NULL);
	db_release(c);
	return rc;
}
