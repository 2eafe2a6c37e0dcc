/* Observations: one prepared statement per operation, each a call to its SQL function. */
#include "db/observations.h"

DB_STMT(db_obs_list, "SELECT items::text, next_after::text FROM "
                     "api_observation_list($1, $2, $3::boolean, $4::bigint, $5, $6, $7::bigint, "
                     "$8::int)");
DB_STMT(db_plan_obs_list, "SELECT items::text, next_after::text FROM "
                          "api_plan_observation_list($1, $2, $3::boolean, $4::bigint, $5::bigint, "
                          "$6, $7, $8, $9, $10, $11, $12::bigint, $13, $14::bigint, "
                          "$15::int)");
DB_STMT(db_obs_mine, "SELECT items::text, next_after::text FROM "
                     "api_observation_mine($1, $2::bigint, $3::int)");
DB_STMT(db_obs_get, DB_READ_ETAG("observation_view($1::bigint, $2, $3, $4::boolean)"));
DB_STMT(db_obs_create, DB_WITH_ETAG("api_observation_create($1, $2, $3::boolean, $4::bigint, "
                                    "$5::jsonb, $6, $7::int)"));
DB_STMT(db_obs_review, DB_WITH_ETAG("api_observation_review($1, $2, $3::bigint, $4::jsonb, $5)"));
DB_STMT(db_obs_withdraw, DB_WITH_ETAG("api_observation_withdraw($1, $2, $3::bigint)"));
