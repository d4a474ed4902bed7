-- why: change webhooks (issue 4). Subscriptions belong to the API key that created them; signing
--      secrets rotate with an overlap; every matching event becomes a delivery row in the same
--      transaction as the event (a durable outbox), and every send attempt is logged.
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

CREATE INDEX webhook_subscriptions_by_key_id ON webhook_subscriptions (key_id, created_at);

-- Secrets must be kept in clear: HMAC signing needs them. A rotated-out secret keeps signing
-- until expires_at (24 h), so receivers can switch without dropping a delivery.
CREATE TABLE webhook_secrets (
  id              INTEGER PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
  secret          TEXT NOT NULL,                         -- whsec_<base64 of 32 random bytes>
  created_at      TEXT NOT NULL,
  expires_at      TEXT                                   -- NULL = current
) STRICT;

CREATE INDEX webhook_secrets_by_subscription_id ON webhook_secrets (subscription_id, id);

-- The outbox: one row per (subscription, message). seq orders a subscription's deliveries (event
-- order); id is the Standard Webhooks webhook-id, stable across retries and redeliveries.
CREATE TABLE webhook_deliveries (
  seq             INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,                  -- msg_<random>
  subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
  event_id        INTEGER REFERENCES change_events(id),  -- NULL for webhook.ping
  type            TEXT NOT NULL,
  payload         TEXT NOT NULL,                         -- the exact JSON body, signed per attempt
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivering', 'succeeded', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,            -- attempts in the current round (reset by redeliver/recover)
  trigger         TEXT NOT NULL DEFAULT 'scheduled' CHECK (trigger IN ('scheduled', 'redeliver', 'recover')),
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  delivered_at    TEXT
) STRICT;

CREATE INDEX webhook_deliveries_by_subscription_id ON webhook_deliveries (subscription_id, seq);
CREATE INDEX webhook_deliveries_by_subscription_id_open ON webhook_deliveries (subscription_id, seq) WHERE state IN ('pending', 'delivering');
CREATE UNIQUE INDEX webhook_deliveries_by_subscription_id_event_id ON webhook_deliveries (subscription_id, event_id) WHERE event_id IS NOT NULL;

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

CREATE INDEX webhook_attempts_by_delivery_seq ON webhook_attempts (delivery_seq, id);
