-- PostgreSQL twin of migrations/0006_verified_by.sql: the same tables and columns (ids are identity columns, text sorts
-- bytewise with COLLATE "C" as in SQLite).
-- why: "verified" is a fact about a source (issue 9): who last confirmed a row (a scraper id, or "review" for
--      the curated dataset's per-entry reviewed_on date), and changes in law are listed by their effective date.
ALTER TABLE status_records ADD COLUMN verified_by TEXT COLLATE "C";

CREATE INDEX change_events_by_effective_date ON change_events (effective_date, id) WHERE effective_date IS NOT NULL;
