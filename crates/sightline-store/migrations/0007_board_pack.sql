-- What the board pack needs beyond figures, all of it the company's own
-- words, kept through every sync and recomputation (only the demo's own
-- rows go when the demo is rebuilt or replaced).
--
-- Actions: a flag's owner, due date and status, as a log. The latest row
-- of a flag is its action now; earlier rows say what it was when an older
-- report was made.
CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    flag_id TEXT NOT NULL,
    owner TEXT NOT NULL,
    due TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'accepted')),
    reason TEXT,
    recorded_at INTEGER NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX actions_by_flag ON actions (flag_id, recorded_at);

-- Evidence on file: a document a vendor gave (SOC 2 report, penetration
-- test, restore test record, cyber insurance, contract), its dates, and
-- the file itself, inside the encrypted cache and nowhere else.
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    vendor_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    issued TEXT NOT NULL,
    expires TEXT,
    file_name TEXT NOT NULL,
    content BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    added_at INTEGER NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX evidence_by_vendor ON evidence (vendor_id, kind, issued);

-- The supplier review log: when a vendor was reviewed, by whom, with what
-- outcome and when the next one is due.
CREATE TABLE supplier_reviews (
    id INTEGER PRIMARY KEY,
    vendor_id TEXT NOT NULL,
    reviewed_on TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    outcome TEXT NOT NULL,
    next_due TEXT,
    recorded_at INTEGER NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX supplier_reviews_by_vendor ON supplier_reviews (vendor_id, reviewed_on);
