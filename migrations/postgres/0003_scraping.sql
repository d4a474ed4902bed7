-- PostgreSQL twin of migrations/0003_scraping.sql: the same tables and columns (ids are identity columns, text sorts
-- bytewise with COLLATE "C" as in SQLite).
-- why: the scraping framework needs, per run, the combined content hash (to skip a run as unchanged
--      only when content and parser version are both unchanged), conditional-GET validators per URL,
--      a robots.txt cache per origin, and an index for pruning old snapshots.

ALTER TABLE scrape_runs ADD COLUMN content_sha256 TEXT COLLATE "C";

CREATE INDEX scrape_runs_by_outcome ON scrape_runs (scraper_id, outcome, id);

-- Last response seen per URL (the URL with API keys redacted): the validators for the next
-- conditional GET, and the snapshot a 304 answer stands for.
CREATE TABLE http_cache (
  url           TEXT COLLATE "C" PRIMARY KEY,
  etag          TEXT COLLATE "C",
  last_modified TEXT COLLATE "C",
  snapshot_id   BIGINT NOT NULL REFERENCES snapshots(id),
  final_url     TEXT COLLATE "C" NOT NULL,
  checked_at    TEXT COLLATE "C" NOT NULL
);

-- robots.txt per origin (scheme://host:port), refetched after a day.
CREATE TABLE robots_cache (
  origin     TEXT COLLATE "C" PRIMARY KEY,
  status     INTEGER NOT NULL,
  body       TEXT COLLATE "C" NOT NULL,
  fetched_at TEXT COLLATE "C" NOT NULL
);

CREATE INDEX snapshots_by_created ON snapshots (created_at);
CREATE INDEX run_documents_by_snapshot ON run_documents (snapshot_id);
