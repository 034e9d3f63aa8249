-- The units assigned to report a form (grid owners: communes, agencies,
-- schools; a commune's villages report on its grid), when the planner lists
-- them; a form without rows here is reported by every unit whose kind
-- reports one of its elements (kehoach.Form.Units, kehoach.ReportsForm).
CREATE TABLE form_units (
	form_id {{int64}} NOT NULL REFERENCES forms(id),
	unit_id {{int64}} NOT NULL REFERENCES units(id),
	PRIMARY KEY (form_id, unit_id)
);
