-- The analytics engine's checkpoint: its figures as of data_version, in
-- parts (one per series), so that a server starts without reading every
-- figure row by row.
CREATE TABLE snapshots (
	id INTEGER PRIMARY KEY,
	data_version {{int64}} NOT NULL,
	meta_version {{int64}} NOT NULL,
	created_at {{ts}} NOT NULL
);
CREATE TABLE snapshot_parts (
	name TEXT PRIMARY KEY,
	data {{blob}} NOT NULL
);
