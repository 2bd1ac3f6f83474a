-- The states' CHECK constraints as chains of comparisons, not IN lists:
-- SQLite evaluates an IN list of more than two constants through a
-- temporary b-tree it builds on every insert or update, which was a sixth
-- of the cost of committing a change. SQLite cannot alter a constraint, so
-- both tables are rebuilt, with the same columns and indexes.
CREATE TABLE instances_new (
	seq        INTEGER PRIMARY KEY,
	cloud      TEXT NOT NULL,
	id         TEXT NOT NULL,
	account_id TEXT NOT NULL REFERENCES accounts (id),
	name       TEXT NOT NULL,
	power      TEXT NOT NULL CHECK (power = 'building' OR power = 'running' OR power = 'stopped' OR power = 'failed'
		OR power = 'recycled' OR power = 'deleted'),
	record     BLOB NOT NULL,
	UNIQUE (cloud, id)
) STRICT;
INSERT INTO instances_new SELECT seq, cloud, id, account_id, name, power, record FROM instances;
DROP TABLE instances;
ALTER TABLE instances_new RENAME TO instances;

CREATE TABLE operations_new (
	cloud       TEXT NOT NULL,
	id          TEXT NOT NULL,
	seq         INTEGER NOT NULL,
	job_id      TEXT NOT NULL,
	account_id  TEXT NOT NULL,
	instance_id TEXT NOT NULL,
	state       TEXT NOT NULL CHECK (state = 'running' OR state = 'succeeded' OR state = 'failed'),
	finished_at INTEGER,
	record      BLOB NOT NULL,
	PRIMARY KEY (cloud, id),
	CHECK ((state = 'running') = (finished_at IS NULL))
) STRICT, WITHOUT ROWID;
INSERT INTO operations_new SELECT cloud, id, seq, job_id, account_id, instance_id, state, finished_at, record FROM operations;
DROP TABLE operations;
ALTER TABLE operations_new RENAME TO operations;
CREATE UNIQUE INDEX operations_one_running ON operations (cloud, instance_id) WHERE state = 'running';
CREATE INDEX operations_job ON operations (cloud, job_id);
