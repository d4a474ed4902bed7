-- why: the scraping framework needs, per run, the combined content hash (to skip a run as unchanged
--      only when content and parser version are both unchanged), conditional-GET validators per URL,
--      a robots.txt cache per origin, and an index for pruning old snapshots.

ALTER TABLE scrape_runs ADD COLUMN content_sha256 TEXT;

CREATE INDEX scrape_runs_by_outcome ON scrape_runs (scraper_id, outcome, id);

-- Last response seen per URL (the URL with API keys redacted): the validators for the next
-- conditional GET, and the snapshot a 304 answer stands for.
CREATE TABLE http_cache (
  url           TEXT PRIMARY KEY,
  etag          TEXT,
  last_modified TEXT,
  snapshot_id   INTEGER NOT NULL REFERENCES snapshots(id),
  final_url     TEXT NOT NULL,
  checked_at    TEXT NOT NULL
) STRICT;

-- robots.txt per origin (scheme://host:port), refetched after a day.
CREATE TABLE robots_cache (
  origin     TEXT PRIMARY KEY,
  status     INTEGER NOT NULL,
  body       TEXT NOT NULL,
  fetched_at TEXT NOT NULL
) STRICT;

CREATE INDEX snapshots_by_created ON snapshots (created_at);
CREATE INDEX run_documents_by_snapshot ON run_documents (snapshot_id);
