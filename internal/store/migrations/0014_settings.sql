-- Whose system it is (issue 16): one row of the deployment's name, the
-- issuing body and how to get an account; written by administrators only,
-- each change audited.
CREATE TABLE settings (
	id {{int64}} PRIMARY KEY CHECK (id = 1),
	name TEXT NOT NULL,
	issuer TEXT NOT NULL,
	account_help TEXT NOT NULL,
	updated_by TEXT NOT NULL,
	updated_at {{ts}} NOT NULL
);
