-- The audit log read by kind of entity. (In release 1 this file also created the
-- functions of progress updates, compliance and the audit log: they are in functions/
-- now, re-applied whole on every migrate.)

-- The whole log of one kind of entity, newest first (audit_log_entity serves one entity).
CREATE INDEX audit_log_entity_kind ON audit_log (entity, id);
