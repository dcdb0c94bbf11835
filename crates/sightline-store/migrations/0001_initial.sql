-- The first schema. Shipped migrations are never edited: add a new file.
-- Timestamps are Unix seconds (UTC); dates are ISO 8601 text.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE vendors (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    monthly_cost REAL,
    last_review  TEXT
) WITHOUT ROWID;

CREATE TABLE contracts (
    vendor_id             TEXT PRIMARY KEY REFERENCES vendors(id) ON DELETE CASCADE,
    compliance_target_pct REAL NOT NULL
) WITHOUT ROWID;

CREATE TABLE sla_targets (
    vendor_id       TEXT NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
    priority        TEXT NOT NULL,
    effective_from  TEXT NOT NULL DEFAULT '',
    respond_minutes INTEGER,
    resolve_minutes INTEGER,
    PRIMARY KEY (vendor_id, priority, effective_from)
) WITHOUT ROWID;

CREATE TABLE services (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    critical INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE service_vendors (
    service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    vendor_id  TEXT NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
    PRIMARY KEY (service_id, vendor_id)
) WITHOUT ROWID;

CREATE TABLE sources (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    vendor_id       TEXT NOT NULL,
    name            TEXT NOT NULL,
    demo            INTEGER NOT NULL DEFAULT 0,
    last_success_at INTEGER,
    last_attempt_at INTEGER,
    last_error      TEXT
) WITHOUT ROWID;

CREATE TABLE sync_log (
    id          INTEGER PRIMARY KEY,
    source_id   TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    ok          INTEGER NOT NULL,
    records     INTEGER NOT NULL,
    message     TEXT
);

CREATE TABLE tickets (
    source_id         TEXT NOT NULL,
    record_id         TEXT NOT NULL,
    fetched_at        INTEGER NOT NULL,
    vendor_id         TEXT NOT NULL,
    summary           TEXT NOT NULL,
    priority          TEXT,
    created_at        INTEGER NOT NULL,
    first_response_at INTEGER,
    resolved_at       INTEGER,
    assignee          TEXT,
    resolved_by       TEXT,
    status            TEXT NOT NULL,
    reopened          INTEGER,
    vendor_in_sla     INTEGER,
    PRIMARY KEY (source_id, record_id)
) WITHOUT ROWID;
CREATE INDEX tickets_by_vendor_created ON tickets (vendor_id, created_at);

CREATE TABLE devices (
    source_id     TEXT NOT NULL,
    record_id     TEXT NOT NULL,
    fetched_at    INTEGER NOT NULL,
    vendor_id     TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    managed       INTEGER NOT NULL,
    enrolled_at   INTEGER NOT NULL,
    protection_ok INTEGER,
    PRIMARY KEY (source_id, record_id)
) WITHOUT ROWID;

CREATE TABLE patches (
    source_id     TEXT NOT NULL,
    record_id     TEXT NOT NULL,
    fetched_at    INTEGER NOT NULL,
    vendor_id     TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    title         TEXT NOT NULL,
    class         TEXT NOT NULL,
    missing_since INTEGER NOT NULL,
    installed_at  INTEGER,
    PRIMARY KEY (source_id, record_id)
) WITHOUT ROWID;

CREATE TABLE backup_jobs (
    source_id  TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    fetched_at INTEGER NOT NULL,
    vendor_id  TEXT NOT NULL,
    system     TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    succeeded  INTEGER NOT NULL,
    PRIMARY KEY (source_id, record_id)
) WITHOUT ROWID;

CREATE TABLE restore_tests (
    source_id  TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    fetched_at INTEGER NOT NULL,
    vendor_id  TEXT NOT NULL,
    system     TEXT NOT NULL,
    tested_at  INTEGER NOT NULL,
    succeeded  INTEGER NOT NULL,
    PRIMARY KEY (source_id, record_id)
) WITHOUT ROWID;

CREATE TABLE resilience_tests (
    source_id  TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    fetched_at INTEGER NOT NULL,
    vendor_id  TEXT NOT NULL,
    name       TEXT NOT NULL,
    tested_at  INTEGER NOT NULL,
    succeeded  INTEGER NOT NULL,
    PRIMARY KEY (source_id, record_id)
) WITHOUT ROWID;

CREATE TABLE certificates (
    source_id    TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    fetched_at   INTEGER NOT NULL,
    vendor_id    TEXT NOT NULL,
    host         TEXT NOT NULL,
    subject      TEXT NOT NULL,
    issuer       TEXT NOT NULL,
    not_before   INTEGER NOT NULL,
    not_after    INTEGER NOT NULL,
    trusted      INTEGER,
    name_matches INTEGER,
    PRIMARY KEY (source_id, record_id)
) WITHOUT ROWID;

CREATE TABLE vulnerabilities (
    source_id   TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    fetched_at  INTEGER NOT NULL,
    vendor_id   TEXT NOT NULL,
    asset       TEXT NOT NULL,
    title       TEXT NOT NULL,
    severity    TEXT NOT NULL,
    first_found INTEGER NOT NULL,
    fixed_at    INTEGER,
    PRIMARY KEY (source_id, record_id)
) WITHOUT ROWID;

CREATE TABLE changes (
    source_id      TEXT NOT NULL,
    record_id      TEXT NOT NULL,
    fetched_at     INTEGER NOT NULL,
    vendor_id      TEXT NOT NULL,
    title          TEXT NOT NULL,
    implemented_at INTEGER NOT NULL,
    outcome        TEXT NOT NULL,
    emergency      INTEGER NOT NULL,
    PRIMARY KEY (source_id, record_id)
) WITHOUT ROWID;

CREATE TABLE surveys (
    source_id    TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    fetched_at   INTEGER NOT NULL,
    vendor_id    TEXT NOT NULL,
    responded_at INTEGER NOT NULL,
    satisfied    INTEGER NOT NULL,
    PRIMARY KEY (source_id, record_id)
) WITHOUT ROWID;
