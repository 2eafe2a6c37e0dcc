-- The unit a progress update speaks for, stored when it is reported (issue 17: the public
-- sees the reporting unit, not the person). Until now it was derived on every read from
-- the reporter's account as it stands, so moving a director to another unit changed the
-- unit of what he had already reported. A unit deleted later (only once nothing schedules
-- it: functions/11_units.sql) leaves the update without a unit, as it does an
-- observation (009_staff_work.sql); a merge moves it to the unit merged into.
ALTER TABLE progress_updates ADD COLUMN unit_id bigint REFERENCES units ON DELETE SET NULL;

-- Existing updates take the unit the read-time rule of the previous release gives today:
-- the reporter's own unit when it is one of the activity's, else the activity's only
-- unit; none when neither tells. (With the triggers off: no one's change, so no audit
-- row; every update's document, and so its ETag, is unchanged.)
ALTER TABLE progress_updates DISABLE TRIGGER USER;
UPDATE progress_updates u SET unit_id = (
	SELECT au.unit_id FROM activity_units au
	WHERE au.activity_id = u.activity_id
	  AND (au.unit_id = (SELECT usr.unit_id FROM users usr WHERE 'user:' || usr.id = u.author_sub)
	       OR (SELECT count(*) FROM activity_units c WHERE c.activity_id = u.activity_id) = 1)
	ORDER BY au.unit_id
	LIMIT 1);
ALTER TABLE progress_updates ENABLE TRIGGER USER;
