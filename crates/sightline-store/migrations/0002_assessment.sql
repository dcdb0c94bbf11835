-- Uptime windows, the stored results of the KPI and risk engine, and the
-- executive's acknowledgements (user data: never deleted by a sync or a
-- recomputation).

CREATE TABLE availability (
    source_id    TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    fetched_at   INTEGER NOT NULL,
    vendor_id    TEXT NOT NULL,
    monitor      TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    window_end   INTEGER NOT NULL,
    up_seconds   INTEGER NOT NULL,
    down_seconds INTEGER NOT NULL,
    PRIMARY KEY (source_id, record_id)
) WITHOUT ROWID;

-- Every metric for every scope (a vendor id, or 'all') and period.
CREATE TABLE metric_values (
    scope             TEXT NOT NULL,
    metric            TEXT NOT NULL,
    period            TEXT NOT NULL,
    value             REAL,
    target            REAL,
    status            TEXT NOT NULL,
    previous          REAL,
    sources           TEXT NOT NULL,
    records           INTEGER NOT NULL,
    skipped           INTEGER NOT NULL,
    oldest_fetched_at INTEGER,
    PRIMARY KEY (period, scope, metric)
) WITHOUT ROWID;

-- The flags as last computed, with their history.
CREATE TABLE flags (
    id          TEXT PRIMARY KEY,
    rule        TEXT NOT NULL,
    vendor_id   TEXT,
    severity    TEXT NOT NULL,
    headline    TEXT NOT NULL,
    why         TEXT NOT NULL,
    question    TEXT NOT NULL,
    evidence    TEXT NOT NULL,
    records     TEXT NOT NULL,
    state       TEXT NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    resolved_at INTEGER,
    returned    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE acknowledgements (
    id              INTEGER PRIMARY KEY,
    flag_id         TEXT NOT NULL,
    note            TEXT NOT NULL,
    acknowledged_at INTEGER NOT NULL
);
CREATE INDEX acknowledgements_by_flag ON acknowledgements (flag_id, acknowledged_at);
