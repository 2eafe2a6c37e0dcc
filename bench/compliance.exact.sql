-- GET /api/v1/plans/{plan}/compliance (no as_of: today, the activities as they are) by
-- the public or a citizen: the statement db_compliance_counts of service/db/compliance.c.
@db_compliance_counts(:plan, :staff, NULL)
