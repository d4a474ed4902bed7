-- why: writes (webhooks, manual runs, reviews) need an API key; only a hash of each key is kept,
--      so a database leak does not leak usable keys.
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
