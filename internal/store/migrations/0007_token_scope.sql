-- API tokens get an optional end (expires_at, NULL for none) and a scope
-- of use: 'api' for the JSON API under /api/, 'read' for its GET requests
-- only. Tokens made before keep working, on the API only: a token is for
-- a machine client, never a way into the pages.
ALTER TABLE api_tokens ADD COLUMN expires_at {{ts}};
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'api';
