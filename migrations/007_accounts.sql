-- Local accounts. (In release 1 this file also created the functions of accounts and
-- logins: they are in functions/ now, re-applied whole on every migrate.)

-- A password change must show in the audit log, which strips password_hash: this column
-- is what changes there.
ALTER TABLE users ADD COLUMN password_changed_at timestamptz NOT NULL DEFAULT now();
