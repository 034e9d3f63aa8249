-- Accounts. Usernames are lower-case [a-z0-9._-]; password_hash is an
-- argon2id PHC string (internal/auth).
CREATE TABLE users (
	id {{pk}},
	username TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	disabled {{bool}} NOT NULL DEFAULT {{if pg}}FALSE{{else}}0{{end}},
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL
);

-- The units (with their subtrees) whose figures a user may enter
-- (kind 'entry') or read (kind 'view').
CREATE TABLE user_scopes (
	user_id {{int64}} NOT NULL REFERENCES users(id),
	unit_id {{int64}} NOT NULL REFERENCES units(id),
	kind TEXT NOT NULL CHECK (kind IN ('entry', 'view')),
	PRIMARY KEY (user_id, kind, unit_id)
);

-- Browser sessions. Only the SHA-256 (hex) of the cookie's token is kept.
-- expires_at is the absolute end; the idle limit runs from last_seen.
CREATE TABLE sessions (
	id {{pk}},
	token_hash TEXT NOT NULL UNIQUE,
	user_id {{int64}} NOT NULL REFERENCES users(id),
	created_at {{ts}} NOT NULL,
	last_seen {{ts}} NOT NULL,
	expires_at {{ts}} NOT NULL,
	address TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT '',
	revoked {{bool}} NOT NULL DEFAULT {{if pg}}FALSE{{else}}0{{end}}
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Personal API tokens ("khk_…"): the SHA-256 (hex) and the first 8
-- characters, to tell them apart in lists.
CREATE TABLE api_tokens (
	id {{pk}},
	token_hash TEXT NOT NULL UNIQUE,
	prefix TEXT NOT NULL,
	name TEXT NOT NULL,
	user_id {{int64}} NOT NULL REFERENCES users(id),
	created_at {{ts}} NOT NULL,
	last_used {{ts}},
	revoked {{bool}} NOT NULL DEFAULT {{if pg}}FALSE{{else}}0{{end}}
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Every login attempt, for rate limiting and the record.
CREATE TABLE login_attempts (
	id {{pk}},
	username TEXT NOT NULL,
	address TEXT NOT NULL,
	at {{ts}} NOT NULL,
	ok {{bool}} NOT NULL
);
CREATE INDEX login_attempts_username ON login_attempts(username, at);
CREATE INDEX login_attempts_address ON login_attempts(address, at);
