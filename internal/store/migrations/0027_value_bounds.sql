-- The planner's bounds of figures (issue 9, point 4): the range an
-- element's figure is expected to lie in for one unit (unit_id) or for
-- every unit of a kind (kind, unit_id NULL); lo or hi NULL is an open end.
-- target is "u:<unit id>" or "kind:<kind>", one bound per element and
-- target. The write path flags a figure outside (kehoach.CheckBound).
CREATE TABLE value_bounds (
	id {{pk}},
	element_id {{int64}} NOT NULL REFERENCES data_elements(id),
	unit_id {{int64}} REFERENCES units(id),
	kind TEXT NOT NULL DEFAULT '',
	target TEXT NOT NULL,
	lo {{real}},
	hi {{real}},
	note TEXT NOT NULL DEFAULT '',
	updated_by TEXT NOT NULL DEFAULT '',
	updated_at {{ts}} NOT NULL,
	UNIQUE (element_id, target)
);
