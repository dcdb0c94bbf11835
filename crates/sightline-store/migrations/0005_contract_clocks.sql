-- Contract clocks, pauses and exclusions, and why records were skipped.
-- A contract's hours, holidays and service credits as JSON (ContractTerms).
ALTER TABLE contracts ADD COLUMN terms TEXT NOT NULL DEFAULT '{}';
-- "24x7" or "business"; NULL: the contract's default.
ALTER TABLE sla_targets ADD COLUMN clock TEXT;
-- Minutes the ticket's resolution clock stood still, where the source says.
ALTER TABLE tickets ADD COLUMN paused_minutes INTEGER;
-- 1 when the source marks the ticket as outside the SLA.
ALTER TABLE tickets ADD COLUMN excluded_from_sla INTEGER NOT NULL DEFAULT 0;
-- [[reason, count], ...] for the records a figure had to leave out.
ALTER TABLE metric_values ADD COLUMN skipped_reasons TEXT NOT NULL DEFAULT '[]';
-- The business hours of the SLA calendar a source itself defines
-- (ConnectWise's custom calendar), used where sightline.toml sets none.
CREATE TABLE source_hours (
    source_id TEXT PRIMARY KEY,
    hours     TEXT NOT NULL
) WITHOUT ROWID;
