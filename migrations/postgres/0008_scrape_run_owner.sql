-- PostgreSQL twin of migrations/0008_scrape_run_owner.sql: the same tables and columns (ids are identity columns, text sorts
-- bytewise with COLLATE "C" as in SQLite).
-- why: a run left `running` must be told apart from a run still going in another process (the
--      service and a CLI `scrape` share the file): each run records the process that owns it
--      (host:pid), and every start marks `failed` only the running rows whose owner is gone.
ALTER TABLE scrape_runs ADD COLUMN owner TEXT COLLATE "C";
