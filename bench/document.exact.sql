-- GET /api/v1/plans/{seed_plan}/document by the public or a citizen: the statement
-- db_plan_document of service/db/plans.c.
@db_plan_document(:seed_plan, :staff, NULL)
