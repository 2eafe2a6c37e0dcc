/* Files compiled into the binary (scripts/embed-assets.sh): the OpenAPI document as JSON,
 * the seed plan, the numbered migrations, the function files and the portal's web files.
 * Each text is NUL-terminated. */
#ifndef CORE_ASSETS_H
#define CORE_ASSETS_H

struct asset_migration {
	const char *name;   /* "001_schema.sql", or "functions/10_plans.sql" */
	const char *sql;
	const char *end;    /* one past the last byte (the NUL) */
};

extern const char asset_openapi[], asset_openapi_end[];
extern const char asset_seed[], asset_seed_end[];
/* The numbered migrations (migrations/NNN_name.sql) and the function files
 * (migrations/functions/), each in name order; each list ends with a NULL name. */
extern const struct asset_migration asset_migrations[];
extern const struct asset_migration asset_functions[];

/* A file of web/ (and the vendored /docs files), served by http/portal.c. */
struct asset_file {
	const char *name;   /* the base name: "index.html", "portal.css" */
	const char *data;
	const char *end;    /* one past the last byte (where the added NUL is) */
	const char *etag;   /* 16 hex digits of the file's SHA-256, without quotes */
};

/* The web files, in the Makefile's order; ends with a NULL name. */
extern const struct asset_file asset_web[];

#endif
