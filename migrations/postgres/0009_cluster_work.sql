-- PostgreSQL twin of migrations/0009_cluster_work.sql: the same tables and columns.
-- why: several workers on several machines (PostgreSQL, issue 15) share the work through the database: each
--      writer process keeps a heartbeat row, so the others can tell a dead one's runs and in-flight webhook
--      deliveries from a live one's; each scheduled tick is claimed once cluster-wide; and a delivery in
--      flight names the process sending it.
CREATE TABLE processes (
  id           TEXT COLLATE "C" PRIMARY KEY,
  role         TEXT COLLATE "C" NOT NULL,
  started_at   TEXT COLLATE "C" NOT NULL,
  heartbeat_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE scheduled_ticks (
  tick        TEXT COLLATE "C" PRIMARY KEY,
  holder      TEXT COLLATE "C" NOT NULL,
  claimed_at  TEXT COLLATE "C" NOT NULL,
  finished_at TEXT COLLATE "C"
);

CREATE INDEX scheduled_ticks_by_claimed_at ON scheduled_ticks (claimed_at);

ALTER TABLE webhook_deliveries ADD COLUMN claimed_by TEXT COLLATE "C";
