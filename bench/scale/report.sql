-- GET /api/v1/plans/{plan}/report (JSON) of the generated plan: every observation with its
-- outcome (README "What became of each citizen contribution"), db_report_parts.
@db_report_parts(:plan, :staff)
