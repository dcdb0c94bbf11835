-- What the sync engine keeps between runs: each source's watermark and last
-- full read, the SLA targets a source itself defines (ConnectWise SLAs),
-- source credentials where there is no OS keychain (the cache is
-- encrypted), and more detail in the sync log.

CREATE TABLE sync_state (
    source_id    TEXT PRIMARY KEY,
    watermark    INTEGER,
    last_full_at INTEGER,
    settings     TEXT
) WITHOUT ROWID;

CREATE TABLE source_sla (
    source_id       TEXT NOT NULL,
    priority        TEXT NOT NULL,
    respond_minutes INTEGER,
    resolve_minutes INTEGER,
    PRIMARY KEY (source_id, priority)
) WITHOUT ROWID;

CREATE TABLE source_secrets (
    source_id TEXT PRIMARY KEY,
    secret    TEXT NOT NULL
) WITHOUT ROWID;

ALTER TABLE sync_log ADD COLUMN full_read INTEGER;
ALTER TABLE sync_log ADD COLUMN requests INTEGER;
ALTER TABLE sync_log ADD COLUMN warnings TEXT;
