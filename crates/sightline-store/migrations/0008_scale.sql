-- Design scale (five years of 20 vendors, a million tickets): a period's
-- records are read through an index instead of every record being loaded,
-- and each source's record count is kept instead of being counted.
--
-- Tickets relevant to a window [from, to): still open, or resolved since
-- `from`, created before `to` (by resolution), and those created in the
-- window (by creation). A secondary index of a WITHOUT ROWID table carries
-- the key, so both are covering for the filter.
CREATE INDEX tickets_by_resolved ON tickets (resolved_at, created_at);
CREATE INDEX tickets_by_created ON tickets (created_at, resolved_at);
DROP INDEX tickets_by_vendor_created;
-- Backup jobs in a window, and each system's first job (its protection
-- starts there).
CREATE INDEX backup_jobs_by_started ON backup_jobs (started_at);
CREATE INDEX backup_jobs_by_system ON backup_jobs (vendor_id, system, started_at);

CREATE TABLE source_counts (
    source_id TEXT PRIMARY KEY,
    records   INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO source_counts (source_id, records)
SELECT source_id, SUM(n) FROM (
    SELECT source_id, COUNT(*) AS n FROM tickets GROUP BY source_id
    UNION ALL SELECT source_id, COUNT(*) FROM devices GROUP BY source_id
    UNION ALL SELECT source_id, COUNT(*) FROM patches GROUP BY source_id
    UNION ALL SELECT source_id, COUNT(*) FROM backup_jobs GROUP BY source_id
    UNION ALL SELECT source_id, COUNT(*) FROM restore_tests GROUP BY source_id
    UNION ALL SELECT source_id, COUNT(*) FROM resilience_tests GROUP BY source_id
    UNION ALL SELECT source_id, COUNT(*) FROM certificates GROUP BY source_id
    UNION ALL SELECT source_id, COUNT(*) FROM vulnerabilities GROUP BY source_id
    UNION ALL SELECT source_id, COUNT(*) FROM changes GROUP BY source_id
    UNION ALL SELECT source_id, COUNT(*) FROM surveys GROUP BY source_id
    UNION ALL SELECT source_id, COUNT(*) FROM availability GROUP BY source_id
) GROUP BY source_id;
