-- Inbound chat deliveries seen, by the platform's own id (e.g. a Slack event_id), so a retried
-- delivery is handled once however many processes receive it. Kept for a day.

CREATE TABLE deliveries (
    key TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL
);
CREATE INDEX deliveries_received ON deliveries (received_at);
