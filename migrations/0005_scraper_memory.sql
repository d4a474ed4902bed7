-- why: a scraper with a second fetch phase (`follow`, e.g. LegiScan: search, then fetch only the
--      bills whose change_hash moved) needs to remember, between runs, what it has already read.
--      One JSON value per scraper, written only by a successful run, tagged with the parser version
--      that wrote it (a new parser version starts from nothing, so everything is read again).

CREATE TABLE scraper_memory (
  scraper_id     TEXT PRIMARY KEY,
  parser_version TEXT NOT NULL,
  memory_json    TEXT NOT NULL,
  run_id         INTEGER NOT NULL REFERENCES scrape_runs(id),
  updated_at     TEXT NOT NULL
) STRICT;
