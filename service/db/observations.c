/* Observations: one prepared statement per operation, each a call to its SQL function
 * (migrations/006_observations.sql), returning the body and its ETag. */
#include "db/observations.h"

DB_STMT(obs_list, "SELECT items::text, next_after::text FROM "
                  "api_observation_list($1, $2, $3::boolean, $4::bigint, $5, $6, $7::bigint, "
                  "$8::int)");
DB_STMT(obs_mine, "SELECT items::text, next_after::text FROM "
                  "api_observation_mine($1, $2::bigint, $3::int)");
DB_STMT(obs_get, DB_WITH_ETAG("observation_view($1::bigint, $2, $3, $4::boolean)"));
DB_STMT(obs_create, DB_WITH_ETAG("api_observation_create($1, $2, $3::boolean, $4::bigint, "
                              "$5::jsonb, $6, $7::int)"));
DB_STMT(obs_review, DB_WITH_ETAG("api_observation_review($1, $2, $3::bigint, $4::jsonb, $5)"));
DB_STMT(obs_withdraw, DB_WITH_ETAG("api_observation_withdraw($1, $2, $3::bigint)"));

void
db_observation_list(const struct actor *a, int64_t axis_id, const char *kind,
                    const char *status, int64_t after, int64_t limit, struct db_reply *r)
{
	char s_axis[24], s_after[24], s_limit[24];
	const char *v[] = {a->sub, a->role, db_bool(a->staff), db_int(s_axis, axis_id), kind,
	                   status, db_int(s_after, after), db_int(s_limit, limit)};

	db_call(&obs_list, 8, v, r);
}

void
db_observation_mine(const struct actor *a, int64_t after, int64_t limit, struct db_reply *r)
{
	char s_after[24], s_limit[24];
	const char *v[] = {a->sub, db_int(s_after, after), db_int(s_limit, limit)};

	db_call(&obs_mine, 3, v, r);
}

void
db_observation_get(const struct actor *a, int64_t id, struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {db_int(s_id, id), a->sub, a->role, db_bool(a->staff)};

	db_call(&obs_get, 4, v, r);
}

void
db_observation_create(const struct actor *a, int64_t axis_id, const char *body,
                      const char *key, int per_hour, struct db_reply *r)
{
	char s_axis[24], s_per_hour[24];
	const char *v[] = {a->sub, a->role, db_bool(a->staff), db_int(s_axis, axis_id), body, key,
	                   db_int(s_per_hour, per_hour)};

	db_call(&obs_create, 7, v, r);
}

void
db_observation_review(const struct actor *a, int64_t id, const char *body,
                      const char *if_match, struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {a->sub, a->role, db_int(s_id, id), body, if_match};

	db_call(&obs_review, 5, v, r);
}

void
db_observation_withdraw(const struct actor *a, int64_t id, struct db_reply *r)
{
	char s_id[24];
	const char *v[] = {a->sub, a->role, db_int(s_id, id)};

	db_call(&obs_withdraw, 3, v, r);
}
