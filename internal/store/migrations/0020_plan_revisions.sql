-- Planning (issue 14): every change of a published plan's header (number,
-- title, issuer, date, legal basis, horizon), with the decision that
-- authorised it and the day it takes effect; the header before and after as
-- JSON (kehoach.PlanHeader), so that the plan as it stood on any day can be
-- rebuilt. Target changes are in target_revisions.
CREATE TABLE plan_header_revisions (
	id {{pk}},
	plan_id {{int64}} NOT NULL REFERENCES plans(id),
	decision_number TEXT NOT NULL,
	decision_date TEXT NOT NULL,
	decision_issuer TEXT NOT NULL,
	effective TEXT NOT NULL,
	old_header TEXT NOT NULL,
	new_header TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL,
	created_by TEXT NOT NULL
);
CREATE INDEX plan_header_revisions_plan ON plan_header_revisions(plan_id, effective);
