-- Observations and contributions: the review state machine, kept in one table, and the
-- index of a citizen's own submissions. (In release 1 this file also created the
-- observations' functions: they are in functions/ now, re-applied whole on every migrate.)

-- The review state machine, the only place it is written down. `actor` says who may
-- take the step: 'reviewer' (directores, administradora) or 'author' (the citizen who
-- submitted it).
CREATE TABLE observation_transitions (
	from_status text NOT NULL,
	to_status   text NOT NULL,
	actor       text NOT NULL CHECK (actor IN ('reviewer', 'author')),
	PRIMARY KEY (from_status, to_status)
);
INSERT INTO observation_transitions (from_status, to_status, actor) VALUES
	('received',  'in_review', 'reviewer'),
	('in_review', 'accepted',  'reviewer'),
	('in_review', 'rejected',  'reviewer'),
	('received',  'withdrawn', 'author');

-- A citizen's own submissions, newest pages by id.
CREATE INDEX observations_author_id ON observations (author_sub, id);
