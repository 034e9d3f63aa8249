-- Units: the tree of administrative units, agencies and schools, each with
-- a validity interval so that reorganisations keep history.
CREATE TABLE units (
	id {{pk}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	subkind TEXT NOT NULL DEFAULT '',
	level INTEGER NOT NULL,
	parent_id {{int64}} REFERENCES units(id),
	valid_from TEXT NOT NULL DEFAULT '',
	valid_to TEXT NOT NULL DEFAULT '',
	synthetic {{bool}} NOT NULL DEFAULT {{if pg}}FALSE{{else}}0{{end}},
	search_key TEXT NOT NULL,
	sort_key {{blob}} NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_sort ON units(sort_key);

CREATE TABLE unit_links (
	id {{pk}},
	from_id {{int64}} NOT NULL REFERENCES units(id),
	to_id {{int64}} NOT NULL REFERENCES units(id),
	kind TEXT NOT NULL,
	effective TEXT NOT NULL,
	UNIQUE (from_id, to_id)
);

CREATE TABLE data_elements (
	id {{pk}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	short_name TEXT NOT NULL,
	value_type TEXT NOT NULL,
	aggregation TEXT NOT NULL,
	unit_kinds TEXT NOT NULL
);

CREATE TABLE forms (
	id {{pk}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	period_type TEXT NOT NULL,
	cutoff_day INTEGER NOT NULL,
	deadline_days INTEGER NOT NULL
);

CREATE TABLE form_elements (
	form_id {{int64}} NOT NULL REFERENCES forms(id),
	element_id {{int64}} NOT NULL REFERENCES data_elements(id),
	position INTEGER NOT NULL,
	PRIMARY KEY (form_id, element_id)
);

CREATE TABLE form_rules (
	id {{pk}},
	form_id {{int64}} NOT NULL REFERENCES forms(id),
	left_expr TEXT NOT NULL,
	op TEXT NOT NULL,
	right_expr TEXT NOT NULL,
	importance TEXT NOT NULL,
	message TEXT NOT NULL,
	position INTEGER NOT NULL
);

CREATE TABLE indicators (
	id {{pk}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	numerator TEXT NOT NULL,
	denominator TEXT NOT NULL,
	factor {{real}} NOT NULL,
	decimals INTEGER NOT NULL
);

CREATE TABLE plans (
	id {{pk}},
	code TEXT NOT NULL UNIQUE,
	number TEXT NOT NULL,
	title TEXT NOT NULL,
	issuer_id {{int64}} NOT NULL REFERENCES units(id),
	issued_on TEXT NOT NULL DEFAULT '',
	place TEXT NOT NULL DEFAULT '',
	legal_basis TEXT NOT NULL DEFAULT '',
	horizon_from TEXT NOT NULL DEFAULT '',
	horizon_to TEXT NOT NULL DEFAULT '',
	signer TEXT NOT NULL DEFAULT '',
	demo {{bool}} NOT NULL DEFAULT {{if pg}}FALSE{{else}}0{{end}}
);

CREATE TABLE plan_sections (
	id {{pk}},
	plan_id {{int64}} NOT NULL REFERENCES plans(id),
	number TEXT NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	position INTEGER NOT NULL
);

CREATE TABLE targets (
	id {{pk}},
	plan_id {{int64}} NOT NULL REFERENCES plans(id),
	code TEXT NOT NULL,
	text TEXT NOT NULL,
	indicator_id {{int64}} NOT NULL REFERENCES indicators(id),
	op TEXT NOT NULL,
	value {{real}} NOT NULL,
	deadline TEXT NOT NULL,
	baseline_period TEXT NOT NULL,
	scope_id {{int64}} NOT NULL REFERENCES units(id),
	count_label TEXT NOT NULL,
	section TEXT NOT NULL,
	position INTEGER NOT NULL,
	UNIQUE (plan_id, code)
);

CREATE TABLE tasks (
	id {{pk}},
	plan_id {{int64}} NOT NULL REFERENCES plans(id),
	code TEXT NOT NULL,
	section TEXT NOT NULL,
	title TEXT NOT NULL,
	lead_id {{int64}} REFERENCES units(id),
	recurrence TEXT NOT NULL DEFAULT '',
	due TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL,
	position INTEGER NOT NULL,
	UNIQUE (plan_id, code)
);

CREATE TABLE task_units (
	task_id {{int64}} NOT NULL REFERENCES tasks(id),
	unit_id {{int64}} NOT NULL REFERENCES units(id),
	PRIMARY KEY (task_id, unit_id)
);

-- Data values: one row per (element, unit, period, disaggregation). A removal
-- keeps the row with deleted set, so that other servers catch up on it by
-- version. version comes from the counters row, whose row lock orders
-- writers: a reader that has seen version n has seen every version below n.
CREATE TABLE data_values (
	id {{pk}},
	element_id {{int64}} NOT NULL REFERENCES data_elements(id),
	unit_id {{int64}} NOT NULL REFERENCES units(id),
	period TEXT NOT NULL,
	coc TEXT NOT NULL DEFAULT '',
	value TEXT NOT NULL,
	num {{real}},
	comment TEXT NOT NULL DEFAULT '',
	stored_by TEXT NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL,
	version {{int64}} NOT NULL,
	deleted {{bool}} NOT NULL DEFAULT {{if pg}}FALSE{{else}}0{{end}},
	UNIQUE (element_id, unit_id, period, coc)
);
CREATE INDEX data_values_unit_period ON data_values(unit_id, period);
CREATE INDEX data_values_version ON data_values(version);

CREATE TABLE counters (
	name TEXT PRIMARY KEY,
	n {{int64}} NOT NULL
);
INSERT INTO counters (name, n) VALUES ('data_values', 0);
INSERT INTO counters (name, n) VALUES ('meta', 0);

-- Audit events: append-only.
CREATE TABLE audit_events (
	id {{pk}},
	at {{ts}} NOT NULL,
	actor TEXT NOT NULL,
	address TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	entity TEXT NOT NULL,
	entity_key TEXT NOT NULL,
	old_value TEXT NOT NULL DEFAULT '',
	new_value TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_entity ON audit_events(entity, entity_key);
