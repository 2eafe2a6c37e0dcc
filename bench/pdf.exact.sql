-- GET /api/v1/plans/{seed_plan}/document with Accept: application/pdf by the public or a
-- citizen: the statement db_plan_document_pdf of service/db/plans.c; the service then lays
-- the PDF out with cairo and pango (service/core/plan_pdf.c), which "svc us/req" shows.
@db_plan_document_pdf(:seed_plan, :staff)
