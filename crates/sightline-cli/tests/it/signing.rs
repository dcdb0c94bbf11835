//! The signed, chained archive, checked with the standard tools: the
//! `minisign` program accepts a report with the public key Sightline
//! prints and refuses a changed byte or another key, as `sightline-cli
//! verify` does; `reports verify` names an entry altered, removed or
//! inserted directly in the database by someone holding the cache key.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2026-11-22T08:00:00Z";
const PASSPHRASE: &str = "signing-test";

fn cli(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sightline-cli"))
        .args(["--data-dir", data_dir.to_str().unwrap()])
        .args(args)
        .env("SIGHTLINE_PASSPHRASE", PASSPHRASE)
        .env("SIGHTLINE_NOW", NOW)
        .env_remove("SIGHTLINE_PASSPHRASE_FILE")
        .env_remove("SIGHTLINE_DATA_DIR")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .unwrap()
}

fn ok(output: Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn err(output: Output) -> (String, String) {
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stdout));
    (
        String::from_utf8_lossy(&output.stdout).trim().to_string(),
        String::from_utf8_lossy(&output.stderr).trim().to_string(),
    )
}

fn minisign(args: &[&str]) -> Output {
    Command::new("minisign")
        .args(args)
        .output()
        .expect("minisign is installed by scripts/install-deps.sh --test (Debian package minisign)")
}

/// A demo company with two archived reports, Q3 and October.
fn archive() -> (tempfile::TempDir, PathBuf) {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("data");
    ok(cli(&dir, &["demo"]));
    let printed =
        ok(cli(&dir, &["report", "--period", "2026-Q3", "--out", home.path().join("q3.pdf").to_str().unwrap()]));
    assert!(printed.contains(&format!("and its signature {}.minisig", home.path().join("q3.pdf").display())));
    ok(cli(&dir, &["report", "--period", "2026-10", "--out", home.path().join("oct.pdf").to_str().unwrap()]));
    (home, dir)
}

#[test]
fn minisign_and_verify_accept_a_report_and_refuse_a_changed_copy_or_another_key() {
    let (home, dir) = archive();
    let pdf = home.path().join("q3.pdf");
    let key = home.path().join("sightline.pub");
    ok(cli(&dir, &["reports", "key", "--out", key.to_str().unwrap()]));

    let checked = minisign(&["-Vm", pdf.to_str().unwrap(), "-p", key.to_str().unwrap()]);
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    assert!(
        String::from_utf8_lossy(&checked.stdout)
            .contains("Trusted comment: Sightline board report: Harbor & Finch Logistics, Q3 2026; archive entry 1"),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
    let verified = ok(cli(&dir, &["verify", pdf.to_str().unwrap()]));
    assert!(
        verified.starts_with(&format!("Valid: {} is report 1 (2026-Q3) of this archive", pdf.display())),
        "{verified}"
    );

    // The key printed in the report's appendix is the same key.
    let text = Command::new("pdftotext").args([pdf.to_str().unwrap(), "-"]).output().unwrap();
    let key_line = std::fs::read_to_string(&key).unwrap().lines().nth(1).unwrap().to_string();
    assert!(String::from_utf8_lossy(&text.stdout).contains(&key_line), "the appendix prints the public key");

    // One changed byte.
    let mut bytes = std::fs::read(&pdf).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    let changed = home.path().join("changed.pdf");
    std::fs::write(&changed, &bytes).unwrap();
    std::fs::copy(home.path().join("q3.pdf.minisig"), home.path().join("changed.pdf.minisig")).unwrap();
    assert!(!minisign(&["-Vm", changed.to_str().unwrap(), "-p", key.to_str().unwrap()]).status.success());
    let (_, said) = err(cli(&dir, &["verify", changed.to_str().unwrap()]));
    assert_eq!(
        said,
        format!(
            "error: {} does not match its signature: it was changed after it was signed (or the signature belongs \
             to another file); do not rely on it",
            changed.display()
        )
    );

    // Another key.
    let other_pub = home.path().join("other.pub");
    let other_key = home.path().join("other.key");
    let made = minisign(&["-G", "-W", "-p", other_pub.to_str().unwrap(), "-s", other_key.to_str().unwrap()]);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    assert!(!minisign(&["-Vm", pdf.to_str().unwrap(), "-p", other_pub.to_str().unwrap()]).status.success());
    let (_, said) = err(cli(&dir, &["verify", pdf.to_str().unwrap(), "--key", other_pub.to_str().unwrap()]));
    assert!(said.starts_with(&format!("error: {} was not signed with the key ", pdf.display())), "{said}");
    assert!(said.ends_with("it was signed with another key, so it cannot be vouched for here"), "{said}");

    // A report signed elsewhere: valid with its key, not in this archive.
    let elsewhere = home.path().join("elsewhere.pdf");
    std::fs::write(&elsewhere, b"%PDF-1.7 another company's report").unwrap();
    let signed = Command::new("minisign")
        .args(["-Sm", elsewhere.to_str().unwrap(), "-s", other_key.to_str().unwrap(), "-t", "another company"])
        .output()
        .unwrap();
    assert!(signed.status.success(), "{}", String::from_utf8_lossy(&signed.stderr));
    let said = ok(cli(&dir, &["verify", elsewhere.to_str().unwrap(), "--key", other_pub.to_str().unwrap()]));
    assert!(said.trim_end().ends_with(&format!("but {} is not in this archive.", elsewhere.display())), "{said}");
}

/// Runs SQL on the cache with nothing of Sightline's, as someone holding the
/// passphrase could: Python's SQLCipher and Argon2 (installed by
/// scripts/install-deps.sh --test).
fn tamper(dir: &Path, sql: &str) {
    let script = r#"
import sys
import sqlcipher3.dbapi2 as sqlcipher
from argon2.low_level import hash_secret_raw, Type
data, passphrase, sql = sys.argv[1], sys.argv[2], sys.argv[3]
salt = open(data + "/cache.salt", "rb").read()
key = hash_secret_raw(passphrase.encode(), salt, time_cost=3, memory_cost=65536, parallelism=1, hash_len=32,
                      type=Type.ID, version=19)
conn = sqlcipher.connect(data + "/cache.sightline")
conn.execute("PRAGMA key = \"x'%s'\"" % key.hex())
conn.executescript("DROP TRIGGER reports_are_sealed; DROP TRIGGER reports_are_kept; " + sql)
conn.commit()
"#;
    let output = Command::new("python3").args(["-c", script, dir.to_str().unwrap(), PASSPHRASE, sql]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn the_chain_check_names_an_entry_altered_removed_or_inserted() {
    let (_home, dir) = archive();
    assert_eq!(
        ok(cli(&dir, &["reports", "verify"])).trim(),
        "The archive is intact: 2 reports, 2 signed and chained, none altered, removed or inserted."
    );
    let tail = "error: the archive has been tampered with: 1 problem found (listed above); do not rely on the reports \
                named, and bring back a backup with `sightline-cli restore`";
    let cases = [
        (
            "UPDATE reports SET period = '2026-Q2' WHERE id = 1;",
            "report 1 (2026-Q2): its archive entry (period, date, data snapshot or fingerprint) was changed",
        ),
        (
            "UPDATE reports SET snapshot = replace(snapshot, 'Harbor', 'Harbour') WHERE id = 2;",
            "report 2 (2026-10): its archive entry (period, date, data snapshot or fingerprint) was changed",
        ),
        (
            "DELETE FROM reports WHERE id = 1;",
            "report 2 (2026-10) does not follow the report before it in the archive: a report was removed, inserted or reordered before it",
        ),
        (
            "DELETE FROM reports WHERE id = 2;",
            "the newest report in the archive is not the last one that was archived: a report was removed from the end",
        ),
    ];
    for (sql, problem) in cases {
        let copy = tempfile::tempdir().unwrap();
        for file in ["cache.sightline", "cache.salt"] {
            std::fs::copy(dir.join(file), copy.path().join(file)).unwrap();
        }
        tamper(copy.path(), sql);
        let (printed, said) = err(cli(copy.path(), &["reports", "verify"]));
        assert_eq!(printed, problem, "{sql}");
        assert_eq!(said, tail, "{sql}");
    }

    // A changed PDF is named twice over: its hash and its signature.
    let copy = tempfile::tempdir().unwrap();
    for file in ["cache.sightline", "cache.salt"] {
        std::fs::copy(dir.join(file), copy.path().join(file)).unwrap();
    }
    tamper(copy.path(), "UPDATE reports SET pdf = CAST('%PDF-1.7 forged' AS BLOB), sha256 = 'x' WHERE id = 1;");
    let (printed, _) = err(cli(copy.path(), &["reports", "verify"]));
    assert!(printed.contains("report 1 (2026-Q3): its PDF was changed after it was archived"), "{printed}");
    assert!(printed.contains("report 1 (2026-Q3): its PDF's signature does not match"), "{printed}");
}
