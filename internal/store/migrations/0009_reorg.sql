-- Reorganisation (issue 10): a successor link carries the share of the
-- predecessor's own figures its successor takes (a split by declared
-- shares); 1 for a merge, a rename or a move, which carry them whole.
ALTER TABLE unit_links ADD COLUMN share {{real}} NOT NULL DEFAULT 1;
