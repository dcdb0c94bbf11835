-- What a probe saw beside up or down (the status, how long the answer
-- took, why it counted as down), and a service's own uptime target with
-- the probes and monitors that watch it.
ALTER TABLE availability ADD COLUMN status INTEGER;
ALTER TABLE availability ADD COLUMN latency_ms INTEGER;
ALTER TABLE availability ADD COLUMN detail TEXT;
ALTER TABLE services ADD COLUMN uptime_target_pct REAL;
ALTER TABLE services ADD COLUMN monitor_sources TEXT NOT NULL DEFAULT '[]';
-- A check's next sample continues its monitor's latest window.
CREATE INDEX availability_by_monitor ON availability (source_id, monitor, window_start);
