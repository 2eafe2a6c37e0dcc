-- GET /api/v1/plans/{plan}/compliance (as_of today) by the public or a citizen: the
-- statement db_compliance_counts of service/db/compliance.c.
@db_compliance_counts(:plan, :staff, :as_of)
