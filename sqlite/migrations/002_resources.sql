-- Resources: cloud objects other than instances (login keys, public IPs,
-- images made from servers, ...) that the core keeps for a cloud without
-- knowing what they are.
CREATE TABLE resources (
	cloud      TEXT NOT NULL,
	kind       TEXT NOT NULL,
	id         TEXT NOT NULL,
	seq        INTEGER NOT NULL,
	account_id TEXT NOT NULL,
	name       TEXT NOT NULL,
	attrs      TEXT, -- JSON object of strings
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (cloud, kind, id)
) STRICT, WITHOUT ROWID;
