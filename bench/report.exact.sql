-- GET /api/v1/plans/{seed_plan}/report (JSON) by the public or a citizen: the statement
-- db_report_parts of service/db/report.c (the service writes the JSON from the parts).
@db_report_parts(:seed_plan, :staff)
