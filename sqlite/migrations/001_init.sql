-- Accounts and their access keys.
CREATE TABLE accounts (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	project_id TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE access_keys (
	access_key TEXT PRIMARY KEY,
	secret_key TEXT NOT NULL,
	account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE
) STRICT;
CREATE INDEX access_keys_account ON access_keys (account_id);

-- Instances. Terminated instances stay, with power 'deleted', for history.
-- The sequence is the rowid, so that loading every instance in creation
-- order is one sequential scan (or a few, side by side, over ranges). The
-- record holds the whole instance (see record.go): a restart reads that one
-- column. The other columns are what SQL needs and what a reader wants.
CREATE TABLE instances (
	seq        INTEGER PRIMARY KEY,
	cloud      TEXT NOT NULL,
	id         TEXT NOT NULL,
	account_id TEXT NOT NULL REFERENCES accounts (id),
	name       TEXT NOT NULL,
	power      TEXT NOT NULL CHECK (power IN ('building', 'running', 'stopped', 'failed', 'recycled', 'deleted')),
	record     BLOB NOT NULL,
	UNIQUE (cloud, id)
) STRICT;

-- Operations are the durable queue the worker drains. A running operation
-- has no finished_at; a finished one always has one. The record holds the
-- whole operation (see record.go); the columns are what is looked up.
CREATE TABLE operations (
	cloud       TEXT NOT NULL,
	id          TEXT NOT NULL,
	seq         INTEGER NOT NULL,
	job_id      TEXT NOT NULL,
	account_id  TEXT NOT NULL,
	instance_id TEXT NOT NULL,
	state       TEXT NOT NULL CHECK (state IN ('running', 'succeeded', 'failed')),
	finished_at INTEGER,
	record      BLOB NOT NULL,
	PRIMARY KEY (cloud, id),
	CHECK ((state = 'running') = (finished_at IS NULL))
) STRICT, WITHOUT ROWID;
-- One operation in flight per instance: the store's own guard on the core's.
-- It also serves the load of running operations. Every index costs each
-- write, so there is no other but the one jobs are looked up by.
CREATE UNIQUE INDEX operations_one_running ON operations (cloud, instance_id) WHERE state = 'running';
CREATE INDEX operations_job ON operations (cloud, job_id);

-- Small named values: the sequence, the clock, ...
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;
