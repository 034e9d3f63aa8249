-- Official documents made from a plan (issue 12): one row per (plan,
-- kind, period), a draft whose texts are versioned until it is issued;
-- then it is frozen with the content model it printed (frozen, JSON), so
-- the same file can be made again whatever the figures become.
CREATE TABLE reports (
	id {{pk}},
	plan_id {{int64}} NOT NULL REFERENCES plans(id),
	kind TEXT NOT NULL CHECK (kind IN ('report', 'letter')),
	period TEXT NOT NULL,
	texts TEXT NOT NULL,
	version {{int64}} NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('draft', 'issued')),
	updated_by TEXT NOT NULL,
	updated_at {{ts}} NOT NULL,
	issued_by TEXT NOT NULL DEFAULT '',
	issued_at {{ts}},
	frozen {{blob}},
	UNIQUE (plan_id, kind, period)
);

-- Every saved version of a draft's texts: append-only.
CREATE TABLE report_versions (
	report_id {{int64}} NOT NULL REFERENCES reports(id),
	version {{int64}} NOT NULL,
	texts TEXT NOT NULL,
	saved_by TEXT NOT NULL,
	saved_at {{ts}} NOT NULL,
	PRIMARY KEY (report_id, version)
);
