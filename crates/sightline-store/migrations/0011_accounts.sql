-- Sign-in accounts in the company's own directory (Microsoft Entra ID):
-- who, enabled, administrator, second factor registered, last sign-in,
-- and the vendor whose staff the account belongs to.
CREATE TABLE accounts (
    source_id      TEXT NOT NULL,
    record_id      TEXT NOT NULL,
    fetched_at     INTEGER NOT NULL,
    vendor_id      TEXT NOT NULL,
    user           TEXT NOT NULL,
    display_name   TEXT NOT NULL,
    enabled        INTEGER NOT NULL,
    admin          INTEGER NOT NULL,
    mfa_registered INTEGER,
    last_sign_in   INTEGER,
    created_at     INTEGER,
    provider       TEXT,
    PRIMARY KEY (source_id, record_id)
) WITHOUT ROWID;
CREATE INDEX accounts_by_vendor ON accounts (vendor_id);
