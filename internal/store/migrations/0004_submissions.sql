-- Submissions: the state of one data entry grid (form, unit, period) on its
-- way to approval. A grid without a row is a draft never submitted. While
-- status is 'submitted' or 'approved' no figure of the form and period may
-- change for the unit or a unit under it (SaveFormValues checks).
CREATE TABLE submissions (
	id {{pk}},
	form_id {{int64}} NOT NULL REFERENCES forms(id),
	unit_id {{int64}} NOT NULL REFERENCES units(id),
	period TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'returned')),
	reason TEXT NOT NULL DEFAULT '',
	submitted_at {{ts}},
	submitted_by TEXT NOT NULL DEFAULT '',
	decided_at {{ts}},
	decided_by TEXT NOT NULL DEFAULT '',
	updated_at {{ts}} NOT NULL,
	UNIQUE (form_id, unit_id, period)
);
CREATE INDEX submissions_form_period ON submissions(form_id, period);

-- Every change of a submission's status: append-only.
CREATE TABLE submission_events (
	id {{pk}},
	submission_id {{int64}} NOT NULL REFERENCES submissions(id),
	at {{ts}} NOT NULL,
	actor TEXT NOT NULL,
	address TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	from_status TEXT NOT NULL,
	to_status TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX submission_events_submission ON submission_events(submission_id, id);
