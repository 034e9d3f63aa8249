-- The units' own version (issue 16): a plan or a target saved moves the
-- "meta" counter, and the analytics engine reloads its metadata on it;
-- reading 100,000 units again was most of that reload. The engine keeps
-- the units it holds while this counter stays; triggers move it on every
-- write of the units table, whatever path the write takes.
INSERT INTO counters (name, n) VALUES ('units', 1);
{{if pg}}
CREATE FUNCTION kehoach_units_version() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE counters SET n = n + 1 WHERE name = 'units'; RETURN NULL; END $$;
CREATE TRIGGER units_version AFTER INSERT OR UPDATE OR DELETE ON units FOR EACH STATEMENT EXECUTE FUNCTION kehoach_units_version();
{{else}}
CREATE TRIGGER units_version_insert AFTER INSERT ON units BEGIN UPDATE counters SET n = n + 1 WHERE name = 'units'; END;
CREATE TRIGGER units_version_update AFTER UPDATE ON units BEGIN UPDATE counters SET n = n + 1 WHERE name = 'units'; END;
CREATE TRIGGER units_version_delete AFTER DELETE ON units BEGIN UPDATE counters SET n = n + 1 WHERE name = 'units'; END;
{{end}}
