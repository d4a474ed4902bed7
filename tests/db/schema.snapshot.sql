CREATE INDEX change_events_by_effective_date ON change_events (effective_date, id) WHERE effective_date IS NOT NULL;

CREATE INDEX change_events_by_jurisdiction ON change_events (jurisdiction, id);

CREATE INDEX jurisdictions_by_parent ON jurisdictions (parent, code);

CREATE INDEX measures_by_jurisdiction ON measures (jurisdiction, id);

CREATE INDEX reviews_by_state ON reviews (state, id);

CREATE INDEX run_documents_by_snapshot ON run_documents (snapshot_id);

CREATE INDEX scheduled_ticks_by_claimed_at ON scheduled_ticks (claimed_at);

CREATE INDEX scrape_runs_by_outcome ON scrape_runs (scraper_id, outcome, id);

CREATE INDEX scrape_runs_by_scraper ON scrape_runs (scraper_id, id);

CREATE INDEX snapshots_by_created ON snapshots (created_at);

CREATE INDEX status_records_by_pending ON status_records (valid_from) WHERE activated_at IS NULL AND retracted_at IS NULL;

CREATE INDEX status_records_by_place ON status_records (jurisdiction, subject, valid_from) WHERE retracted_at IS NULL;

CREATE INDEX webhook_attempts_by_delivery_seq ON webhook_attempts (delivery_seq, id);

CREATE INDEX webhook_deliveries_by_subscription_id ON webhook_deliveries (subscription_id, seq);

CREATE UNIQUE INDEX webhook_deliveries_by_subscription_id_event_id ON webhook_deliveries (subscription_id, event_id) WHERE event_id IS NOT NULL;

CREATE INDEX webhook_deliveries_by_subscription_id_open ON webhook_deliveries (subscription_id, seq) WHERE state IN ('pending', 'delivering');

CREATE INDEX webhook_secrets_by_subscription_id ON webhook_secrets (subscription_id, id);

CREATE INDEX webhook_subscriptions_by_key_id ON webhook_subscriptions (key_id, created_at);

CREATE TABLE api_keys (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  prefix      TEXT NOT NULL,
  sha256      TEXT NOT NULL UNIQUE,
  is_admin    INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
  created_at  TEXT NOT NULL,
  revoked_at  TEXT,
  last_used_at TEXT
) STRICT;

CREATE TABLE baseline_entries (
  sha256     TEXT PRIMARY KEY,
  applied_at TEXT NOT NULL
) STRICT;

CREATE TABLE change_events (
  id                  INTEGER PRIMARY KEY,
  type                TEXT NOT NULL,
  jurisdiction        TEXT REFERENCES jurisdictions(code),
  subject             TEXT REFERENCES subjects(id),
  measure_id          TEXT,
  scraper_id          TEXT,
  changed_fields_json TEXT NOT NULL DEFAULT '[]',
  before_json         TEXT,
  after_json          TEXT,
  effective_date      TEXT,
  detected_at         TEXT NOT NULL,
  supersedes          INTEGER REFERENCES change_events(id),
  run_id              INTEGER REFERENCES scrape_runs(id),
  snapshot_id         INTEGER REFERENCES snapshots(id)
) STRICT;

CREATE TABLE http_cache (
  url           TEXT PRIMARY KEY,
  etag          TEXT,
  last_modified TEXT,
  snapshot_id   INTEGER NOT NULL REFERENCES snapshots(id),
  final_url     TEXT NOT NULL,
  checked_at    TEXT NOT NULL
) STRICT;

CREATE TABLE jurisdictions (
  code    TEXT PRIMARY KEY,
  name    TEXT NOT NULL,
  level   TEXT NOT NULL CHECK (level IN ('country', 'state', 'county', 'city')),
  parent  TEXT REFERENCES jurisdictions(code),
  ocd_id  TEXT,
  origin  TEXT NOT NULL CHECK (origin IN ('builtin', 'dataset'))
, lat REAL, lon REAL, fips TEXT) STRICT;

CREATE TABLE measures (
  id                   TEXT PRIMARY KEY,
  jurisdiction         TEXT NOT NULL REFERENCES jurisdictions(code),
  title                TEXT NOT NULL,
  stage                TEXT NOT NULL,
  url                  TEXT NOT NULL,
  last_action          TEXT,
  last_action_date     TEXT,
  effective_date       TEXT,
  proposed_effect_json TEXT,
  source_id            TEXT NOT NULL,
  first_seen_at        TEXT NOT NULL,
  updated_at           TEXT NOT NULL
) STRICT;

CREATE TABLE processes (
  id           TEXT PRIMARY KEY,                  -- host:pid, as in scrape_runs.owner
  role         TEXT NOT NULL,
  started_at   TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL
) STRICT;

CREATE TABLE reviews (
  id               INTEGER PRIMARY KEY,
  dedupe_key       TEXT NOT NULL UNIQUE,
  jurisdiction     TEXT NOT NULL REFERENCES jurisdictions(code),
  subject          TEXT NOT NULL REFERENCES subjects(id),
  reason           TEXT NOT NULL,
  source_id        TEXT NOT NULL,
  trust            TEXT NOT NULL,
  observation_json TEXT NOT NULL,
  current_json     TEXT,
  state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
  created_at       TEXT NOT NULL,
  decided_at       TEXT,
  decided_by       TEXT,
  note             TEXT,
  run_id           INTEGER REFERENCES scrape_runs(id),
  snapshot_id      INTEGER REFERENCES snapshots(id)
) STRICT;

CREATE TABLE robots_cache (
  origin     TEXT PRIMARY KEY,
  status     INTEGER NOT NULL,
  body       TEXT NOT NULL,
  fetched_at TEXT NOT NULL
) STRICT;

CREATE TABLE run_documents (
  run_id      INTEGER NOT NULL REFERENCES scrape_runs(id),
  source_name TEXT NOT NULL,
  url         TEXT NOT NULL,
  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
  fetched_at  TEXT NOT NULL,
  PRIMARY KEY (run_id, source_name)
) STRICT;

CREATE TABLE scheduled_ticks (
  tick        TEXT PRIMARY KEY,
  holder      TEXT NOT NULL,
  claimed_at  TEXT NOT NULL,
  finished_at TEXT
) STRICT;

CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;

CREATE TABLE scrape_runs (
  id             INTEGER PRIMARY KEY,
  scraper_id     TEXT NOT NULL,
  trigger        TEXT NOT NULL DEFAULT 'manual',
  parser_version TEXT NOT NULL,
  started_at     TEXT NOT NULL,
  finished_at    TEXT,
  outcome        TEXT NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'changed', 'unchanged', 'degraded', 'failed')),
  reason         TEXT,
  error          TEXT,
  counts_json    TEXT NOT NULL DEFAULT '{}'
, content_sha256 TEXT, owner TEXT) STRICT;

CREATE TABLE scraper_memory (
  scraper_id     TEXT PRIMARY KEY,
  parser_version TEXT NOT NULL,
  memory_json    TEXT NOT NULL,
  run_id         INTEGER NOT NULL REFERENCES scrape_runs(id),
  updated_at     TEXT NOT NULL
) STRICT;

CREATE TABLE snapshots (
  id           INTEGER PRIMARY KEY,
  sha256       TEXT NOT NULL UNIQUE,
  content_type TEXT NOT NULL,
  size         INTEGER NOT NULL,
  body_gz      BLOB NOT NULL,
  created_at   TEXT NOT NULL
) STRICT;

CREATE TABLE status_records (
  id               INTEGER PRIMARY KEY,
  jurisdiction     TEXT NOT NULL REFERENCES jurisdictions(code),
  subject          TEXT NOT NULL REFERENCES subjects(id),
  status           TEXT NOT NULL CHECK (status IN ('legal', 'regulated', 'restricted', 'banned', 'unknown')),
  min_age          INTEGER,
  conditions_json  TEXT NOT NULL DEFAULT '[]',
  citation         TEXT NOT NULL,
  summary          TEXT NOT NULL,
  sources_json     TEXT NOT NULL,
  confidence       TEXT NOT NULL CHECK (confidence IN ('high', 'medium', 'low')),
  preempts_local   INTEGER NOT NULL DEFAULT 0 CHECK (preempts_local IN (0, 1)),
  valid_from       TEXT,
  valid_to         TEXT,
  recorded_at      TEXT NOT NULL,
  retracted_at     TEXT,
  activated_at     TEXT,
  verified_at      TEXT NOT NULL,
  source_id        TEXT NOT NULL,
  trust            TEXT NOT NULL CHECK (trust IN ('primary', 'secondary', 'curated')),
  created_event_id INTEGER,
  run_id           INTEGER REFERENCES scrape_runs(id),
  snapshot_id      INTEGER REFERENCES snapshots(id),
  evidence_json    TEXT
, verified_by TEXT) STRICT;

CREATE TABLE subjects (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  description TEXT NOT NULL
) STRICT;

CREATE TABLE webhook_attempts (
  id               INTEGER PRIMARY KEY,
  delivery_seq     INTEGER NOT NULL REFERENCES webhook_deliveries(seq) ON DELETE CASCADE,
  attempt          INTEGER NOT NULL,
  trigger          TEXT NOT NULL CHECK (trigger IN ('scheduled', 'redeliver', 'recover')),
  started_at       TEXT NOT NULL,
  finished_at      TEXT,
  outcome          TEXT NOT NULL DEFAULT 'in_flight' CHECK (outcome IN ('in_flight', 'succeeded', 'failed', 'interrupted')),
  status_code      INTEGER,
  latency_ms       INTEGER,
  error            TEXT,
  response_excerpt TEXT
) STRICT;

CREATE TABLE webhook_deliveries (
  seq             INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,                  -- msg_<random>
  subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
  event_id        INTEGER REFERENCES change_events(id),  -- NULL for webhook.ping
  type            TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivering', 'succeeded', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,            -- attempts in the current round (reset by redeliver/recover)
  trigger         TEXT NOT NULL DEFAULT 'scheduled' CHECK (trigger IN ('scheduled', 'redeliver', 'recover')),
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  delivered_at    TEXT
, claimed_by TEXT, payload_id INTEGER REFERENCES webhook_payloads(id)) STRICT;

CREATE TABLE webhook_payloads (
  id         INTEGER PRIMARY KEY,
  event_id   INTEGER REFERENCES change_events(id),  -- NULL for webhook.ping
  body       TEXT NOT NULL,                         -- the exact JSON body (signed per attempt), or with tail its head
  tail       TEXT,                                  -- set: the body is body || before_json || ',"after":' || after_json || tail
                                                    -- (the event's columns, 'null' for NULL)
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE webhook_secrets (
  id              INTEGER PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
  secret          TEXT NOT NULL,                         -- whsec_<base64 of 32 random bytes>
  created_at      TEXT NOT NULL,
  expires_at      TEXT                                   -- NULL = current
) STRICT;

CREATE TABLE webhook_subscriptions (
  id                  TEXT PRIMARY KEY,                  -- ep_<random>, the public id
  key_id              INTEGER NOT NULL REFERENCES api_keys(id),
  url                 TEXT NOT NULL,
  description         TEXT,
  events_json         TEXT NOT NULL DEFAULT '[]',        -- empty = every event type
  jurisdictions_json  TEXT NOT NULL DEFAULT '[]',        -- empty = everywhere
  include_descendants INTEGER NOT NULL DEFAULT 0 CHECK (include_descendants IN (0, 1)),
  subjects_json       TEXT NOT NULL DEFAULT '[]',        -- empty = every subject
  enabled             INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  disabled_reason     TEXT,
  disabled_at         TEXT,
  failing_since       TEXT,                              -- first failed attempt since the last success
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL
) STRICT;
