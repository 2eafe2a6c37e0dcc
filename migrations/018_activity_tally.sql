-- Running counts behind GET /plans/{id}/compliance as things stand now: per axis
-- (unit_id 0) and per axis and responsible unit, how many activities are in each status
-- and due month, and the sum of their progress. Compliance read every activity of the
-- plan and its unit links to count them (~25 ms for 10,000 activities, 16× that at ten
-- times the data); it now reads these few hundred rows. The triggers that keep them, and
-- the rebuild that fills them on every migrate, are in
-- migrations/functions/16_compliance.sql. No foreign keys: the rows of a deleted axis are
-- removed by its trigger, whatever order the cascade deletes in.
CREATE TABLE activity_tally (
	axis_id      bigint NOT NULL,
	unit_id      bigint NOT NULL,
	status       text NOT NULL,
	due_month    integer NOT NULL,
	n            bigint NOT NULL,
	progress_sum bigint NOT NULL,
	PRIMARY KEY (axis_id, unit_id, status, due_month)
);
