//! Backup and restore, run as a user runs them: a backup restored into a
//! fresh folder (another machine: another cache passphrase) gives back every
//! figure, note and report; a changed byte or a wrong passphrase is refused
//! before anything is created; a folder holding a company is not replaced
//! unasked; a damaged cache comes back from its automatic backup.

use std::path::Path;
use std::process::{Command, Output};

const NOW: &str = "2026-11-22T08:00:00Z";

fn cli_as(data_dir: &Path, cache_passphrase: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sightline-cli"))
        .args(["--data-dir", data_dir.to_str().unwrap()])
        .args(args)
        .env("SIGHTLINE_PASSPHRASE", cache_passphrase)
        .env("SIGHTLINE_BACKUP_PASSPHRASE", "tangerine-lighthouse-42")
        .env("SIGHTLINE_NOW", NOW)
        .env_remove("SIGHTLINE_PASSPHRASE_FILE")
        .env_remove("SIGHTLINE_DATA_DIR")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .unwrap()
}

fn cli(data_dir: &Path, args: &[&str]) -> Output {
    cli_as(data_dir, "backup-test", args)
}

fn ok(output: Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn err(output: Output) -> String {
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stdout));
    String::from_utf8_lossy(&output.stderr).trim().to_string()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_backup_restored_on_another_machine_gives_back_every_figure_note_and_report() {
    let home = tempfile::tempdir().unwrap();
    let original = home.path().join("original");
    ok(cli(&original, &["demo"]));
    let risks: serde_json::Value = serde_json::from_str(&ok(cli(&original, &["risks", "--json"]))).unwrap();
    let flag = risks[0]["id"].as_str().unwrap().to_string();
    ok(cli(&original, &["ack", &flag, "--note", "Agreed a fix by Friday"]));
    ok(cli(&original, &["report", "--period", "2026-Q3", "--out", home.path().join("q3.pdf").to_str().unwrap()]));

    let backup = home.path().join("harbor.sightline-backup");
    let printed = ok(cli(&original, &["backup", "--out", backup.to_str().unwrap()]));
    assert!(printed.starts_with(&format!("Wrote the backup {} (", backup.display())), "{printed}");
    assert!(printed.trim_end().ends_with("Keep the passphrase: without it the file cannot be read."), "{printed}");
    #[cfg(unix)]
    assert_eq!(mode(&backup), 0o600, "the backup is readable by its owner only");

    // Another machine: a new folder, a different cache passphrase.
    let restored = home.path().join("restored");
    let printed = ok(cli_as(&restored, "another-machine", &["restore", backup.to_str().unwrap()]));
    assert_eq!(
        printed.trim(),
        format!(
            "Restored \"Harbor & Finch Logistics\" into {}: 18058 records, 1 archived report, 0 credentials.",
            restored.display()
        )
    );
    for command in [
        &["kpis", "--json"][..],
        &["kpis", "--json", "--period", "2026-Q3"],
        &["risks", "--json", "--all"],
        &["reports", "--json"],
    ] {
        assert_eq!(
            ok(cli(&original, command)),
            ok(cli_as(&restored, "another-machine", command)),
            "{command:?} differs after the restore"
        );
    }
    let risks = ok(cli_as(&restored, "another-machine", &["risks", "--json", "--all"]));
    assert!(risks.contains("Agreed a fix by Friday"), "the note came back");
    // The archived report comes back byte for byte, its SHA-256 checked.
    let copy = home.path().join("copy.pdf");
    ok(cli_as(&restored, "another-machine", &["reports", "open", "1", "--out", copy.to_str().unwrap()]));
    assert_eq!(std::fs::read(&copy).unwrap(), std::fs::read(home.path().join("q3.pdf")).unwrap());
    #[cfg(unix)]
    {
        assert_eq!(mode(&restored), 0o700);
        assert_eq!(mode(&restored.join("cache.sightline")), 0o600);
        assert_eq!(mode(&restored.join("cache.salt")), 0o600);
    }

    // Replacing a company that has its own sealed archive: the backup's
    // archive replaces it, the previous one is kept as an automatic backup.
    ok(cli_as(&restored, "another-machine", &["report", "--period", "2026-10", "--out", copy.to_str().unwrap()]));
    let printed = ok(cli_as(&restored, "another-machine", &["restore", "--replace", backup.to_str().unwrap()]));
    assert!(printed.contains("1 archived report"), "{printed}");
    assert!(printed.contains("What was there before is kept in "), "{printed}");
    assert_eq!(
        ok(cli(&original, &["reports", "--json"])),
        ok(cli_as(&restored, "another-machine", &["reports", "--json"]))
    );
    let kept = std::fs::read_dir(restored.join("backups")).unwrap().count();
    assert_eq!(kept, 1);

    // A folder that holds a company is not replaced unasked.
    let refused = err(cli(&original, &["restore", backup.to_str().unwrap()]));
    assert_eq!(
        refused,
        format!(
            "error: {} already holds the company \"Harbor & Finch Logistics\": nothing was changed. Restore into \
             another folder with --data-dir, or add --replace (what it holds now is kept as an automatic backup)",
            original.display()
        )
    );
}

#[test]
fn a_changed_or_wrongly_unlocked_backup_is_refused_and_nothing_is_created() {
    let home = tempfile::tempdir().unwrap();
    let original = home.path().join("original");
    ok(cli(&original, &["demo"]));
    let backup = home.path().join("backup.sightline-backup");
    ok(cli(&original, &["backup", "--out", backup.to_str().unwrap()]));

    let mut bytes = std::fs::read(&backup).unwrap();
    bytes[100_000] ^= 0x41;
    let changed = home.path().join("changed.sightline-backup");
    std::fs::write(&changed, &bytes).unwrap();
    let fresh = home.path().join("fresh");
    let refused = err(cli(&fresh, &["restore", changed.to_str().unwrap()]));
    assert_eq!(
        refused,
        format!(
            "error: the backup {} cannot be restored: it was changed or damaged after it was made (HMAC verification \
             failed for page 25); nothing was changed",
            changed.display()
        )
    );
    assert!(!fresh.exists(), "a refused restore creates no folder");

    let output = Command::new(env!("CARGO_BIN_EXE_sightline-cli"))
        .args(["--data-dir", fresh.to_str().unwrap(), "restore", backup.to_str().unwrap()])
        .env("SIGHTLINE_PASSPHRASE", "backup-test")
        .env("SIGHTLINE_BACKUP_PASSPHRASE", "not-the-passphrase")
        .env("SIGHTLINE_NOW", NOW)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .unwrap();
    assert_eq!(
        err(output),
        format!(
            "error: the backup {} cannot be restored: the passphrase does not match, or it is not a Sightline backup, \
             or it was changed at its start; nothing was changed",
            backup.display()
        )
    );
    assert!(!fresh.exists());

    let short = Command::new(env!("CARGO_BIN_EXE_sightline-cli"))
        .args(["--data-dir", original.to_str().unwrap(), "backup", "--out", "/tmp/never.sightline-backup"])
        .env("SIGHTLINE_PASSPHRASE", "backup-test")
        .env("SIGHTLINE_BACKUP_PASSPHRASE", "short")
        .env("SIGHTLINE_NOW", NOW)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .unwrap();
    assert_eq!(
        err(short),
        "error: a backup passphrase needs at least 8 characters: the file may leave this machine; nothing was written"
    );
}

#[test]
fn a_damaged_cache_comes_back_from_its_automatic_backup() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tickets.csv"),
        "id,created_at,priority\nT1,2026-11-20 09:00,P2\nT2,2026-11-21 10:00,P3\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("sightline.toml"),
        "company = \"Acme Holdings\"\n\n[[vendor]]\nid = \"acme\"\nname = \"Acme IT\"\nkind = \"msp\"\n\n\
         [[source]]\nid = \"acme-tickets\"\nkind = \"csv\"\nvendor = \"acme\"\nrecord = \"tickets\"\npath = \"tickets.csv\"\n",
    )
    .unwrap();
    // The first sync makes the week's automatic backup.
    ok(cli(dir.path(), &["sync"]));
    let backups: Vec<_> =
        std::fs::read_dir(dir.path().join("backups")).unwrap().map(|entry| entry.unwrap().path()).collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let automatic = &backups[0];
    assert_eq!(automatic.file_name().unwrap().to_str().unwrap(), "cache-20261122T080000Z-weekly.sightline");
    let before = ok(cli(dir.path(), &["kpis", "--json", "--period", "2026-11"]));

    // A mistyped passphrase is not damage: the cache is not moved aside.
    let before_bytes = std::fs::read(dir.path().join("cache.sightline")).unwrap();
    let refused = err(cli_as(dir.path(), "mistyped", &["restore", "--replace", automatic.to_str().unwrap()]));
    assert!(refused.contains("could not be opened: the key or passphrase does not match"), "{refused}");
    assert_eq!(std::fs::read(dir.path().join("cache.sightline")).unwrap(), before_bytes);

    // Damage the cache: a byte in the middle of the file. It still opens
    // with its key, and `check` finds the damaged page.
    let cache = dir.path().join("cache.sightline");
    let mut bytes = std::fs::read(&cache).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&cache, &bytes).unwrap();
    let refused = err(cli(dir.path(), &["check", "--full"]));
    assert!(refused.starts_with("error: the cache is damaged (HMAC verification failed for page "), "{refused}");
    assert!(
        refused.ends_with(&format!(
            "do not sync or report into it; bring back the latest automatic backup with `sightline-cli restore \
             --replace {}`",
            automatic.display()
        )),
        "{refused}"
    );

    let printed = ok(cli(dir.path(), &["restore", "--replace", automatic.to_str().unwrap()]));
    assert_eq!(
        printed.trim(),
        format!(
            "Restored \"Acme Holdings\" into {}: 2 records, 0 archived reports, 0 credentials.",
            dir.path().display()
        )
    );
    assert_eq!(ok(cli(dir.path(), &["kpis", "--json", "--period", "2026-11"])), before);
    // The damaged file was moved aside, not deleted.
    let aside = dir.path().join("cache.sightline.unreadable-20261122T080000Z");
    assert_eq!(std::fs::read(&aside).unwrap(), bytes);
}

#[test]
fn an_independent_sqlcipher_client_opens_the_backup_and_the_cache() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("data");
    ok(cli(&dir, &["demo"]));
    let backup = home.path().join("demo.sightline-backup");
    ok(cli(&dir, &["backup", "--out", backup.to_str().unwrap()]));
    // Python's sqlcipher3 carries its own SQLCipher 4; argon2-cffi derives
    // the cache key as the README documents. Nothing of Sightline's is used.
    let script = r#"
import sys
import sqlcipher3.dbapi2 as sqlcipher
from argon2.low_level import hash_secret_raw, Type
backup, data, passphrase = sys.argv[1], sys.argv[2], sys.argv[3]
conn = sqlcipher.connect(backup)
conn.execute("PRAGMA key = 'tangerine-lighthouse-42'")
print("backup", conn.execute("SELECT count(*) FROM tickets").fetchone()[0])
salt = open(data + "/cache.salt", "rb").read()
key = hash_secret_raw(passphrase.encode(), salt, time_cost=3, memory_cost=65536, parallelism=1, hash_len=32,
                      type=Type.ID, version=19)
conn = sqlcipher.connect(data + "/cache.sightline")
conn.execute("PRAGMA key = \"x'%s'\"" % key.hex())
print("cache", conn.execute("SELECT count(*) FROM tickets").fetchone()[0])
"#;
    let output = Command::new("python3")
        .args(["-c", script, backup.to_str().unwrap(), dir.to_str().unwrap(), "backup-test"])
        .output()
        .expect("python3 runs the independent client");
    assert!(
        output.status.success(),
        "the sqlcipher3 and argon2-cffi Python packages are installed by scripts/install-deps.sh --test: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), "backup 4894\ncache 4894\n");
}

#[test]
fn an_export_is_asked_for_and_read_back_through_a_csv_source_gives_the_same_ticket_figures() {
    let home = tempfile::tempdir().unwrap();
    let original = home.path().join("original");
    ok(cli(&original, &["demo"]));
    let out = home.path().join("export");
    // Not on a terminal and no --yes: nothing is written.
    let refused = err(cli(&original, &["export", "--out", out.to_str().unwrap()]));
    assert_eq!(
        refused,
        "error: nothing was exported: the files would not be encrypted, so export asks first; add --yes to confirm \
         from a script"
    );
    assert!(!out.exists());
    let printed = ok(cli(&original, &["export", "--out", out.to_str().unwrap(), "--yes"]));
    assert!(printed.starts_with(&format!("Exported 18058 records to {} (not encrypted):", out.display())), "{printed}");
    assert!(printed.contains("  tickets.csv                      4894\n"), "{printed}");
    assert!(printed.contains("  domains.csv                      2\n"), "{printed}");
    // The documents on file and the review log go too, byte for byte.
    assert!(printed.contains("  documents.csv                    7\n"), "{printed}");
    assert!(printed.contains("  reviews.csv                      4\n"), "{printed}");
    let soc2 = std::fs::read_to_string(out.join("evidence/1-bluepeak-soc2.txt")).unwrap();
    assert!(soc2.starts_with("Demonstration document: Bluepeak IT Services SOC 2 Type II report."), "{soc2}");
    // Nothing already there is overwritten.
    let again = err(cli(&original, &["export", "--out", out.to_str().unwrap(), "--yes"]));
    assert_eq!(
        again,
        format!(
            "error: {} is not empty: export into a new or empty folder, so that nothing there is overwritten",
            out.display()
        )
    );

    // Bluepeak's tickets, read back through a CSV source of a new company.
    let mut reader = csv::Reader::from_path(out.join("tickets.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let vendor = headers.iter().position(|name| name == "vendor_id").unwrap();
    let copy = home.path().join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    let mut writer = csv::Writer::from_path(copy.join("tickets.csv")).unwrap();
    writer.write_record(&headers).unwrap();
    for row in reader.records() {
        let row = row.unwrap();
        if &row[vendor] == "bluepeak" {
            writer.write_record(&row).unwrap();
        }
    }
    writer.flush().unwrap();
    std::fs::write(
        copy.join("sightline.toml"),
        "company = \"Harbor copy\"\n\n[[vendor]]\nid = \"bluepeak\"\nname = \"Bluepeak IT Services\"\nkind = \"msp\"\n\n\
         [[source]]\nid = \"bluepeak-psa\"\nkind = \"csv\"\nvendor = \"bluepeak\"\nrecord = \"tickets\"\npath = \"tickets.csv\"\n",
    )
    .unwrap();
    ok(cli(&copy, &["sync"]));
    let figures = |dir: &Path| -> Vec<(String, serde_json::Value)> {
        let rows: serde_json::Value =
            serde_json::from_str(&ok(cli(dir, &["kpis", "--json", "--vendor", "bluepeak", "--period", "2026-10"])))
                .unwrap();
        rows.as_array()
            .unwrap()
            .iter()
            .filter(|row| {
                ["tickets_opened", "reopened_pct", "key_person_share_pct", "backlog_open"]
                    .contains(&row["metric"].as_str().unwrap())
            })
            .map(|row| (row["metric"].as_str().unwrap().to_string(), row["value"].clone()))
            .collect()
    };
    let before = figures(&original);
    assert_eq!(before.len(), 4, "{before:?}");
    assert!(before.contains(&("tickets_opened".to_string(), serde_json::json!(153.0))), "{before:?}");
    assert_eq!(figures(&copy), before);
}
