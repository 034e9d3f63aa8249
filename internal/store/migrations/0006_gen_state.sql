-- A `kehoach gen` in progress: written before the synthetic dataset is
-- loaded and removed once it is whole, so that a killed run leaves a mark
-- that serve and migrate refuse and that gen resumes from.
CREATE TABLE gen_state (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	scale TEXT NOT NULL,
	seed TEXT NOT NULL,
	started_at TEXT NOT NULL
);
