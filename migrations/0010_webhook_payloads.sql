-- why: a change event's webhook body was stored in every delivery row, once per subscription (10,000 events for
--      10 subscriptions wrote 28 MB, issue 14); bodies now live once per message and deliveries point at them.
--      An event's body embeds its before and after records, which change_events holds already: it is stored as
--      the text around them (tail set), and the body read back is byte for byte the one first written.
CREATE TABLE webhook_payloads (
  id         INTEGER PRIMARY KEY,
  event_id   INTEGER REFERENCES change_events(id),  -- NULL for webhook.ping
  body       TEXT NOT NULL,                         -- the exact JSON body (signed per attempt), or with tail its head
  tail       TEXT,                                  -- set: the body is body || before_json || ',"after":' || after_json || tail
                                                    -- (the event's columns, 'null' for NULL)
  created_at TEXT NOT NULL
) STRICT;

-- SQLite cannot add a NOT NULL reference to a table; every delivery row gets one (below, and in the outbox).
ALTER TABLE webhook_deliveries ADD COLUMN payload_id INTEGER REFERENCES webhook_payloads(id);

-- Existing bodies move over, once per distinct (event, body): the deliveries of one event share one body
-- unless a recovery wrote another, and a ping's body is its own.
INSERT INTO webhook_payloads (event_id, body, created_at)
  SELECT event_id, payload, MIN(created_at) FROM webhook_deliveries GROUP BY event_id, payload ORDER BY MIN(seq);

CREATE INDEX webhook_payloads_moving ON webhook_payloads (event_id, body);
UPDATE webhook_deliveries SET payload_id = (SELECT p.id FROM webhook_payloads p
  WHERE p.event_id IS webhook_deliveries.event_id AND p.body = webhook_deliveries.payload);
DROP INDEX webhook_payloads_moving;

ALTER TABLE webhook_deliveries DROP COLUMN payload;
