-- PostgreSQL twin of migrations/0005_scraper_memory.sql: the same tables and columns (ids are identity columns, text sorts
-- bytewise with COLLATE "C" as in SQLite).
-- why: a scraper with a second fetch phase (`follow`, e.g. LegiScan: search, then fetch only the
--      bills whose change_hash moved) needs to remember, between runs, what it has already read.
--      One JSON value per scraper, written only by a successful run, tagged with the parser version
--      that wrote it (a new parser version starts from nothing, so everything is read again).

CREATE TABLE scraper_memory (
  scraper_id     TEXT COLLATE "C" PRIMARY KEY,
  parser_version TEXT COLLATE "C" NOT NULL,
  memory_json    TEXT COLLATE "C" NOT NULL,
  run_id         BIGINT NOT NULL REFERENCES scrape_runs(id),
  updated_at     TEXT COLLATE "C" NOT NULL
);
