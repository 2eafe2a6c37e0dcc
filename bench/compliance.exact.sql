-- GET /api/v1/plans/{plan}/compliance (no as_of: today, the activities as they are) by a
-- director (staff; the public and citizens are answered from the response cache): the
-- statement db_compliance_now of service/db/compliance.c.
@db_compliance_now(:plan, :staff)
