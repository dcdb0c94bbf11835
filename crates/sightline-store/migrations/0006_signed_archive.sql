-- The report archive becomes a signed hash chain. Each new entry records the
-- hash of the entry before it, its own hash (over its id, period, time, the
-- PDF's SHA-256, the snapshot's fingerprint and the previous hash), a
-- minisign signature of the PDF and one of the entry hash. Reports archived
-- before this migration have none of these and are shown as unsigned.

ALTER TABLE reports ADD COLUMN previous_entry TEXT;
ALTER TABLE reports ADD COLUMN entry_hash TEXT;
ALTER TABLE reports ADD COLUMN signature TEXT;
ALTER TABLE reports ADD COLUMN entry_signature TEXT;
