/* Plans: one prepared statement per operation, each a call to its SQL function. */
#include "db/plans.h"

/* A keyset page: one row more than asked tells whether another page follows. */
DB_STMT(db_plan_list,
	"WITH page AS ("
	"  SELECT p FROM plans p"
	"  WHERE ($1::boolean OR plan_status_public(p.status))"
	"    AND ($2::int IS NULL OR p.year = $2::int)"
	"    AND ($3::text IS NULL OR p.status = $3::text)"
	"    AND p.id > $4::bigint"
	"  ORDER BY p.id LIMIT $5::int + 1),"
	" numbered AS (SELECT p, row_number() OVER (ORDER BY (p).id) AS n FROM page)"
	" SELECT coalesce(json_agg(plan_json(p) ORDER BY n) FILTER (WHERE n <= $5::int), '[]')::text,"
	"        (max((p).id) FILTER (WHERE n = $5::int AND (SELECT count(*) FROM page) > $5::int))::text"
	" FROM numbered");
DB_STMT(db_plan_get, "SELECT b::text, md5(b::text) FROM plan_full_json($1::bigint) b "
                     "JOIN plans p ON p.id = $1::bigint AND ($2::boolean OR plan_status_public(p.status))");
DB_STMT(db_plan_create, DB_WITH_ETAG("api_plan_create($1, $2, $3::jsonb)"));
DB_ITEM_WRITES(plan);
DB_STMT(db_plan_approve, DB_WITH_ETAG("api_plan_approve($1, $2, $3::bigint, $4::jsonb)"));
DB_STMT(db_plan_close, DB_WITH_ETAG("api_plan_close($1, $2, $3::bigint, $4::jsonb)"));
DB_STMT(db_plan_withdraw, DB_WITH_ETAG("api_plan_withdraw($1, $2, $3::bigint, $4::jsonb)"));
DB_STMT(db_plan_document, DB_READ_ETAG("plan_document_at($1::bigint, $2::boolean, $3::int)"));
DB_STMT(db_plan_versions, "SELECT items::text, next_after::text FROM "
                          "api_plan_versions($1::bigint, $2::bigint, $3::int)");
DB_STMT(db_plan_import, DB_WITH_ETAG("api_plan_import($1, $2, $3::jsonb, $4::boolean)"));
DB_STMT(db_plan_document_pdf, "SELECT b::text, md5('pdf' || b::text) "
                              "FROM plan_document($1::bigint, $2::boolean) b WHERE b IS NOT NULL");
