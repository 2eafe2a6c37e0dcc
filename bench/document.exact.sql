-- GET /api/v1/plans/{seed_plan}/document by a director (staff: the public and citizens are answered from the response cache): the statement
-- db_plan_document of service/db/plans.c.
@db_plan_document(:seed_plan, :staff, NULL)
