/* Schema migrations: the embedded numbered migrations applied in order, once each, then
 * the function files run again, whole. */
#ifndef DB_MIGRATE_H
#define DB_MIGRATE_H

enum migrate_mode {
	MIGRATE_APPLY,     /* rendicion migrate */
	MIGRATE_STATUS,    /* --status: lists applied and pending files, changes nothing */
	MIGRATE_DRY_RUN,   /* --dry-run: applies them in a transaction that is rolled back */
};

/* Runs the mode; returns the exit code: 0 done (for --status: up to date), 1 after printing
 * why it refused or failed (for --status: something is pending, changed or unknown). A
 * database holding a migration this binary does not know is refused in every mode. */
int migrate_run(enum migrate_mode mode);
/* For serve: 0 when the database holds no migration this binary does not know (pending
 * ones only warn), 1 after printing the refusal, 2 when the database cannot be read. */
int migrate_check(void);
/* The number of the newest numbered migration compiled in: the schema this binary serves. */
int migrate_schema(void);

#endif
