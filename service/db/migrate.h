/* Schema migrations: the embedded migrations (*.sql) applied in order, once each. */
#ifndef DB_MIGRATE_H
#define DB_MIGRATE_H

/* Applies pending migrations; returns 0, or 1 after printing why it refused or failed. */
int migrate_run(void);

#endif
