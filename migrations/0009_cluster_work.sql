-- why: several workers on several machines (PostgreSQL, issue 15) share the work through the database: each
--      writer process keeps a heartbeat row, so the others can tell a dead one's runs and in-flight webhook
--      deliveries from a live one's; each scheduled tick is claimed once cluster-wide; and a delivery in
--      flight names the process sending it.
CREATE TABLE processes (
  id           TEXT PRIMARY KEY,                  -- host:pid, as in scrape_runs.owner
  role         TEXT NOT NULL,
  started_at   TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL
) STRICT;

-- One row per scheduled run: the job and its cron slot ("<job>:<ISO time>"), claimed by the first process.
CREATE TABLE scheduled_ticks (
  tick        TEXT PRIMARY KEY,
  holder      TEXT NOT NULL,
  claimed_at  TEXT NOT NULL,
  finished_at TEXT
) STRICT;

CREATE INDEX scheduled_ticks_by_claimed_at ON scheduled_ticks (claimed_at);

ALTER TABLE webhook_deliveries ADD COLUMN claimed_by TEXT;
