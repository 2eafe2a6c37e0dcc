-- GET /api/v1/me/observations?limit=50 by a citizen of the generated plan (bench/gen.sql
-- gives each of its authors 20 observations at any scale): db_obs_mine.
@db_obs_mine('bench-gen-7', :after, :limit)
