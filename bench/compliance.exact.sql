-- GET /api/v1/plans/{plan}/compliance (as_of today) by a director (staff: the public and citizens are answered from the response cache): the
-- statement db_compliance_counts of service/db/compliance.c.
@db_compliance_counts(:plan, :staff, :as_of)
