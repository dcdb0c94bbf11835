-- Sightline's own reading of the company's domains: the SPF and DMARC
-- records DNS publishes (JSON lists of the TXT strings), the mail servers
-- its MX records name, and the registration expiry its registry gave.
CREATE TABLE domains (
    source_id    TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    fetched_at   INTEGER NOT NULL,
    vendor_id    TEXT NOT NULL,
    domain       TEXT NOT NULL,
    spf          TEXT NOT NULL,
    dmarc        TEXT NOT NULL,
    mail_servers TEXT NOT NULL,
    expires_at   INTEGER,
    registrar    TEXT,
    PRIMARY KEY (source_id, record_id)
) WITHOUT ROWID;
CREATE INDEX domains_by_vendor ON domains (vendor_id);
