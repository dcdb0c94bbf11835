-- What a file source held at its last successful read (its SHA-256): a
-- file read again unchanged is not written again, and nothing is
-- recomputed for it.
ALTER TABLE sync_state ADD COLUMN content TEXT;
