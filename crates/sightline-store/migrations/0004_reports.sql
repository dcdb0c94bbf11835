-- The report archive: every exported board report, its PDF bytes, the data
-- snapshot it was made from, and the PDF's SHA-256. A stored report is
-- never changed or removed: the triggers refuse updates and deletes.

CREATE TABLE reports (
    id          INTEGER PRIMARY KEY,
    period      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    paper       TEXT NOT NULL,
    title       TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    pages       INTEGER NOT NULL,
    pdf         BLOB NOT NULL,
    snapshot    TEXT NOT NULL
);

CREATE TRIGGER reports_are_sealed BEFORE UPDATE ON reports
BEGIN
    SELECT RAISE(ABORT, 'a stored report is never changed');
END;

CREATE TRIGGER reports_are_kept BEFORE DELETE ON reports
BEGIN
    SELECT RAISE(ABORT, 'a stored report is never removed');
END;
