-- Issue 9: what a plan's figures are trusted on. coverage_threshold is the
-- share of the expected units whose reports a period needs before a
-- target's status is computed on it (1: all of them); figures is what its
-- pages and reports read by default: 'all' (drafts marked) or 'approved'.
-- A plan without a row reads all figures and waits for all units.
CREATE TABLE plan_trust (
	plan_id {{int64}} PRIMARY KEY REFERENCES plans(id),
	coverage_threshold DOUBLE PRECISION NOT NULL DEFAULT 1 CHECK (coverage_threshold > 0 AND coverage_threshold <= 1),
	figures TEXT NOT NULL DEFAULT 'all' CHECK (figures IN ('all', 'approved'))
);
