-- Planning (issue 14): a plan's state, and the authorised revisions of its
-- targets. A plan without a plan_states row was loaded from a bundle and is
-- published.
CREATE TABLE plan_states (
	plan_id {{int64}} PRIMARY KEY REFERENCES plans(id),
	status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
	published_at TEXT NOT NULL DEFAULT '',
	published_by TEXT NOT NULL DEFAULT ''
);

-- Every change of a published target's terms (text, indicator and scope
-- by code, comparison, value, deadline, baseline), with the decision that
-- authorised it and the day it takes effect: the terms before (old_*) and
-- after (new_*), so that the plan as it stood on any day can be rebuilt.
CREATE TABLE target_revisions (
	id {{pk}},
	plan_id {{int64}} NOT NULL REFERENCES plans(id),
	target_id {{int64}} NOT NULL REFERENCES targets(id),
	target_code TEXT NOT NULL,
	decision_number TEXT NOT NULL,
	decision_date TEXT NOT NULL,
	decision_issuer TEXT NOT NULL,
	effective TEXT NOT NULL,
	old_text TEXT NOT NULL,
	old_indicator TEXT NOT NULL,
	old_scope TEXT NOT NULL,
	old_op TEXT NOT NULL,
	old_value {{real}} NOT NULL,
	old_deadline TEXT NOT NULL,
	old_baseline TEXT NOT NULL,
	new_text TEXT NOT NULL,
	new_indicator TEXT NOT NULL,
	new_scope TEXT NOT NULL,
	new_op TEXT NOT NULL,
	new_value {{real}} NOT NULL,
	new_deadline TEXT NOT NULL,
	new_baseline TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL,
	created_by TEXT NOT NULL
);
CREATE INDEX target_revisions_target ON target_revisions(target_id, effective);

-- Interim milestones of a target: the value to reach by a period between
-- its baseline and its deadline ("60% by 2023").
CREATE TABLE target_milestones (
	target_id {{int64}} NOT NULL REFERENCES targets(id),
	period TEXT NOT NULL,
	value {{real}} NOT NULL,
	PRIMARY KEY (target_id, period)
);
