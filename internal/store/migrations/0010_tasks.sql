-- Tasks (issue 11): a task's kind and start, the targets it serves, the
-- progress reports of the units that answer for it with their evidence,
-- and the plan's reviews, commendations and emulation criteria.
ALTER TABLE tasks ADD COLUMN kind TEXT NOT NULL DEFAULT 'once';
ALTER TABLE tasks ADD COLUMN start_on TEXT NOT NULL DEFAULT '';
CREATE INDEX tasks_lead ON tasks(lead_id);

CREATE TABLE task_targets (
	task_id {{int64}} NOT NULL REFERENCES tasks(id),
	target_id {{int64}} NOT NULL REFERENCES targets(id),
	PRIMARY KEY (task_id, target_id)
);
CREATE INDEX task_targets_target ON task_targets(target_id);

-- One update of a unit on one occurrence ('2023' or '') of a task. State
-- goes draft → submitted → accepted | returned; a returned one is
-- corrected and submitted again.
CREATE TABLE task_reports (
	id {{pk}},
	task_id {{int64}} NOT NULL REFERENCES tasks(id),
	occurrence TEXT NOT NULL,
	unit_id {{int64}} NOT NULL REFERENCES units(id),
	body TEXT NOT NULL,
	work TEXT NOT NULL CHECK (work IN ('in_progress', 'done')),
	percent INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
	on_date TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'accepted', 'returned')),
	reason TEXT NOT NULL DEFAULT '',
	created_by TEXT NOT NULL,
	created_at {{ts}} NOT NULL,
	decided_by TEXT NOT NULL DEFAULT '',
	decided_at {{ts}}
);
CREATE INDEX task_reports_task ON task_reports(task_id, occurrence);
CREATE INDEX task_reports_unit ON task_reports(unit_id, state);

-- Evidence files, kept in the database so that backups and every server
-- of a cluster have them; type is what the content was sniffed as.
CREATE TABLE task_evidence (
	id {{pk}},
	report_id {{int64}} NOT NULL REFERENCES task_reports(id),
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size {{int64}} NOT NULL,
	sha256 TEXT NOT NULL,
	data {{blob}} NOT NULL
);
CREATE INDEX task_evidence_report ON task_evidence(report_id);

-- Reviews (sơ kết, tổng kết) of a plan and each body's self-assessment.
CREATE TABLE plan_reviews (
	id {{pk}},
	plan_id {{int64}} NOT NULL REFERENCES plans(id),
	kind TEXT NOT NULL CHECK (kind IN ('preliminary', 'final')),
	title TEXT NOT NULL,
	held_on TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at {{ts}} NOT NULL
);
CREATE TABLE review_assessments (
	review_id {{int64}} NOT NULL REFERENCES plan_reviews(id),
	unit_id {{int64}} NOT NULL REFERENCES units(id),
	body TEXT NOT NULL,
	self_score INTEGER NOT NULL DEFAULT 0,
	created_by TEXT NOT NULL,
	created_at {{ts}} NOT NULL,
	PRIMARY KEY (review_id, unit_id)
);
CREATE TABLE commendations (
	id {{pk}},
	review_id {{int64}} NOT NULL REFERENCES plan_reviews(id),
	unit_id {{int64}} REFERENCES units(id),
	person TEXT NOT NULL DEFAULT '',
	achievement TEXT NOT NULL,
	level TEXT NOT NULL,
	decision TEXT NOT NULL,
	decided_on TEXT NOT NULL
);
-- Criteria of the emulation table (thi đua): a kind computed from the
-- plan's own task states or targets, and a weight.
CREATE TABLE emulation_criteria (
	id {{pk}},
	plan_id {{int64}} NOT NULL REFERENCES plans(id),
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	weight {{real}} NOT NULL,
	position INTEGER NOT NULL
);
