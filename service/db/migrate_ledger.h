/* The migrations' ledger: schema_migrations read against the numbered files compiled in,
 * release 1's sums and retired files included, and what that record allows. Used by
 * db/migrate.c; reads only. */
#ifndef DB_MIGRATE_LEDGER_H
#define DB_MIGRATE_LEDGER_H

#include <sodium.h>
#include <stdbool.h>

#include "core/assets.h"
#include "db/pool.h"

#define SUM_HEX (crypto_hash_sha256_BYTES * 2 + 1)

/* Where each numbered file stands against the database's record. */
enum mig_state { M_APPLIED, M_PENDING, M_CHANGED };

struct ledger {
	PGresult *rows;               /* name, sha256, applied_at of schema_migrations; or NULL */
	enum mig_state *state;        /* per asset_migrations entry */
	const char **applied_at;      /* per asset_migrations entry, NULL when pending */
	int n, pending, changed, unknown;
};

/* The SHA-256 of a file's text, in hex. */
void ledger_file_sum(const struct asset_migration *m, char sum[SUM_HEX]);
/* The sum release 1 recorded for a file whose text release 2 changed, or NULL. */
const char *ledger_earlier_sum(const char *name);
/* Reads schema_migrations (absent on a database never migrated: everything pending) and
 * compares it with the files; changes nothing. False when the database cannot be read. */
bool ledger_read(struct db_conn *c, struct ledger *l);
void ledger_free(struct ledger *l);
/* Prints why the ledger stops a migrate (or serve); false when nothing does. */
bool ledger_refuses(const struct ledger *l);
/* migrate --status: one line per numbered file and per row the binary does not know;
 * returns the exit code (0 up to date). */
int ledger_print_status(const struct ledger *l);

#endif
