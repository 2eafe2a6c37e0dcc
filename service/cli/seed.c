/* rendicion seed: the 2024 Valle de los Chillos plan, through the same validation and
 * importer as POST /api/v1/plans/import. Idempotent. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "core/assets.h"
#include "core/document.h"
#include "db/plans.h"

int
cli_seed(void)
{
	/* The importer's actor (the audit log's "who") and unless_exists: idempotent. */
	const char *args[] = {"seed", "administradora", asset_seed, "t"};
	json_error_t jerr;
	/* asset_seed and asset_seed_end are labels around one .incbin (scripts/embed-assets.sh):
	 * one object to the linker, which cppcheck cannot see. */
	/* cppcheck-suppress comparePointers */
	json_t *doc = json_loadb(asset_seed, (size_t)(asset_seed_end - asset_seed),
	                         JSON_REJECT_DUPLICATES, &jerr);
	struct db_reply r;
	struct verr v;
	bool ok;

	if (doc == NULL) {
		fprintf(stderr, "rendicion: the embedded seed is not JSON: %s (line %d)\n",
		        jerr.text, jerr.line);
		return 1;
	}
	verr_init(&v);
	ok = document_validate(doc, &v);
	if (!ok) {
		char *e = json_dumps(v.en, JSON_INDENT(2));

		fprintf(stderr, "rendicion: the embedded seed is invalid:\n%s\n", e ? e : "");
		free(e);
	}
	verr_free(&v);
	json_decref(doc);
	if (!ok)
		return 1;
	db_call(&db_plan_import, 4, args, &r);
	switch (r.err) {
	case DB_OK:
		printf("seeded the 2024 Valle de los Chillos plan\n");
		break;
	case DB_NOT_FOUND:
		printf("the 2024 Valle de los Chillos plan is already there\n");
		break;
	default:
		fprintf(stderr, "rendicion: seeding failed (%s)\n", r.reason);
		db_reply_free(&r);
		return 1;
	}
	db_reply_free(&r);
	return 0;
}
