-- why: a run left `running` must be told apart from a run still going in another process (the
--      service and a CLI `scrape` share the file): each run records the process that owns it
--      (host:pid), and every start marks `failed` only the running rows whose owner is gone.
ALTER TABLE scrape_runs ADD COLUMN owner TEXT;
