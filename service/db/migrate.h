/* Schema migrations: the embedded numbered migrations applied in order, once each, then
 * the function files run again, whole. */
#ifndef DB_MIGRATE_H
#define DB_MIGRATE_H

/* Applies pending migrations and the function files; returns 0, or 1 after printing why it
 * refused or failed. */
int migrate_run(void);

#endif
