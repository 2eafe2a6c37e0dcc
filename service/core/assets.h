/* Files compiled into the binary (scripts/embed-assets.sh): the OpenAPI document as JSON,
 * the seed plan, and the migrations. Each text is NUL-terminated. */
#ifndef CORE_ASSETS_H
#define CORE_ASSETS_H

struct asset_migration {
	const char *name;   /* file name, e.g. "001_schema.sql" */
	const char *sql;
	const char *end;    /* one past the last byte (the NUL) */
};

extern const char asset_openapi[], asset_openapi_end[];
extern const char asset_seed[], asset_seed_end[];
extern const struct asset_migration asset_migrations[]; /* ends with a NULL name */

#endif
