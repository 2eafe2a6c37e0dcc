-- GET /api/v1/plans/{seed_plan}/report (JSON) by the public or a citizen: the statement
-- db_report of service/db/report.c.
@db_report(:seed_plan, :staff)
