//! Every way the cache can fail, as a user meets it: one sentence naming
//! the file and the next step, and the files left byte for byte as they
//! were. Also two processes at once, and a closed pipe.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const NOW: &str = "2026-11-22T08:00:00Z";

fn command(data_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sightline-cli"));
    command
        .args(["--data-dir", data_dir.to_str().unwrap()])
        .args(args)
        .env("SIGHTLINE_PASSPHRASE", "fault-test")
        .env("SIGHTLINE_NOW", NOW)
        .env_remove("SIGHTLINE_PASSPHRASE_FILE")
        .env_remove("SIGHTLINE_DATA_DIR")
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
    command
}

fn cli(data_dir: &Path, args: &[&str]) -> Output {
    command(data_dir, args).output().unwrap()
}

fn ok(output: Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn err(output: Output) -> String {
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stdout));
    String::from_utf8_lossy(&output.stderr).trim().to_string()
}

/// Every file in a folder with its bytes, to prove nothing changed.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    files.sort();
    files
}

fn demo_copy(template: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(template).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

#[test]
fn each_cache_fault_gets_a_sentence_with_a_next_step_and_changes_nothing() {
    let template = tempfile::tempdir().unwrap();
    ok(cli(template.path(), &["demo"]));

    struct Case {
        name: &'static str,
        spoil: fn(&Path),
        message: fn(&Path) -> String,
    }
    let cases = [
        Case {
            name: "zero-byte cache",
            spoil: |dir| std::fs::write(dir.join("cache.sightline"), b"").unwrap(),
            message: |dir| {
                format!(
                    "error: the cache file {} is empty (0 bytes): it was never finished, or something emptied it. \
                     Nothing was changed. Bring back a backup with `sightline-cli restore --replace FILE`, or move \
                     the file aside to start afresh",
                    dir.join("cache.sightline").display()
                )
            },
        },
        Case {
            name: "short salt",
            spoil: |dir| std::fs::write(dir.join("cache.salt"), b"12345").unwrap(),
            message: |dir| {
                format!(
                    "error: the salt file {} is damaged (5 bytes where there should be 16): without it the \
                     passphrase cannot unlock the cache. Put the salt file back if you have a copy, or bring back a \
                     backup made with `sightline-cli backup` (`sightline-cli restore --replace FILE`); nothing was \
                     changed",
                    dir.join("cache.salt").display()
                )
            },
        },
        Case {
            name: "missing salt",
            spoil: |dir| std::fs::remove_file(dir.join("cache.salt")).unwrap(),
            message: |dir| {
                format!(
                    "error: the cache at {} is locked with a passphrase, but its salt file {} is missing: without \
                     it the passphrase cannot unlock the cache. Put the salt file back if you have a copy, or bring \
                     back a backup made with `sightline-cli backup` (`sightline-cli restore --replace FILE`, after \
                     moving the cache aside); nothing was changed",
                    dir.join("cache.sightline").display(),
                    dir.join("cache.salt").display()
                )
            },
        },
        Case {
            name: "flipped bytes in the first page",
            spoil: |dir| {
                let path = dir.join("cache.sightline");
                let mut bytes = std::fs::read(&path).unwrap();
                bytes[200] ^= 0xff;
                std::fs::write(&path, bytes).unwrap();
            },
            message: |dir| {
                format!(
                    "error: the cache at {} could not be opened: the key or passphrase does not match, or the file \
                     is damaged; the file was left untouched. If the passphrase is right, move the file aside and \
                     bring back a backup with `sightline-cli restore FILE`",
                    dir.join("cache.sightline").display()
                )
            },
        },
        Case {
            name: "a foreign file",
            spoil: |dir| std::fs::write(dir.join("cache.sightline"), b"%PDF-1.7 not a cache at all").unwrap(),
            message: |dir| {
                format!(
                    "error: the cache at {} could not be opened: the key or passphrase does not match, or the file \
                     is damaged; the file was left untouched. If the passphrase is right, move the file aside and \
                     bring back a backup with `sightline-cli restore FILE`",
                    dir.join("cache.sightline").display()
                )
            },
        },
    ];
    for case in cases {
        let dir = demo_copy(template.path());
        (case.spoil)(dir.path());
        let before = snapshot(dir.path());
        for args in [&["kpis"][..], &["check"], &["sync"]] {
            assert_eq!(err(cli(dir.path(), args)), (case.message)(dir.path()), "{}: {args:?}", case.name);
        }
        assert_eq!(snapshot(dir.path()), before, "{}: the files are as they were", case.name);
    }
}

#[test]
fn damaged_pages_are_reported_by_check() {
    let dir = tempfile::tempdir().unwrap();
    ok(cli(dir.path(), &["demo"]));
    let path = dir.path().join("cache.sightline");
    let mut bytes = std::fs::read(&path).unwrap();
    // A page in the middle: the cache opens, the damage is found by the check.
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&path, &bytes).unwrap();
    let output = cli(dir.path(), &["check", "--full"]);
    assert!(String::from_utf8_lossy(&output.stdout).contains("Integrity: FAILED"));
    let said = err(output);
    assert!(said.starts_with("error: the cache is damaged (HMAC verification failed for page "), "{said}");
    assert!(
        said.ends_with(
            "): do not sync or report into it; bring back a backup with `sightline-cli restore --replace FILE`"
        ),
        "{said}"
    );
}

/// Runs `script` as root of a user namespace with its own mounts, so that a
/// small or read-only filesystem can be made without privileges.
fn in_namespace(script: &str) -> Output {
    Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", script])
        .env("SIGHTLINE_PASSPHRASE", "fault-test")
        .env("SIGHTLINE_NOW", NOW)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .expect("unshare (util-linux) runs the read-only and full-disk cases")
}

#[test]
fn a_read_only_disk_and_a_full_disk_are_named() {
    let template = tempfile::tempdir().unwrap();
    ok(cli(template.path(), &["demo"]));
    let cli = env!("CARGO_BIN_EXE_sightline-cli");
    let mount = tempfile::tempdir().unwrap();
    let at = mount.path().display();
    let from = template.path().display();

    let output = in_namespace(&format!(
        "mount -t tmpfs -o size=8m tmpfs {at} && cp -a {from}/. {at}/ && mount -o remount,ro {at} && \
         {cli} --data-dir {at} kpis"
    ));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim(),
        format!(
            "error: {at}/cache.sightline cannot be written to (the disk it is on is mounted read-only): Sightline \
             needs to write beside its cache; give your user write access to it, or use a data folder of your own \
             with --data-dir"
        )
    );

    // Room for the cache and little more: rebuilding the demo fills the disk.
    let size = std::fs::metadata(template.path().join("cache.sightline")).unwrap().len() + 600 * 1024;
    let output = in_namespace(&format!(
        "mount -t tmpfs -o size={size} tmpfs {at} && cp -a {from}/. {at}/ && \
         {cli} --data-dir {at} demo --replace; echo \"exit $?\"; {cli} --data-dir {at} check --full | head -3"
    ));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim(),
        "error: could not build the demo company: the disk holding the cache is full: the change was rolled back, \
         nothing was half-written. Free some space (at least as much again as the cache file) and try again"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("exit 1"), "{stdout}");
    assert!(stdout.contains("Integrity: ok"), "the cache is whole after the full disk: {stdout}");
}

#[test]
fn a_closed_pipe_ends_the_cli_quietly() {
    let dir = tempfile::tempdir().unwrap();
    ok(cli(dir.path(), &["demo"]));
    for args in
        [&["kpis", "--json"][..], &["risks"], &["disputes", "--vendor", "bluepeak", "--period", "2026-10", "--csv"]]
    {
        let mut child = command(dir.path(), args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        // The reader goes away before anything is read (`| head -0`).
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&output.stderr), "", "{args:?}");
    }
}

#[test]
fn two_syncs_a_report_and_reads_share_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = String::from("id,created_at,priority,first_response_at,resolved_at\n");
    for index in 0..3000 {
        let day = 1 + index % 28;
        rows.push_str(&format!("T{index},2026-10-{day:02} 09:00,P3,2026-10-{day:02} 09:30,2026-10-{day:02} 15:00\n"));
    }
    std::fs::write(dir.path().join("tickets.csv"), rows).unwrap();
    std::fs::write(
        dir.path().join("sightline.toml"),
        "company = \"Acme Holdings\"\n\n[[vendor]]\nid = \"acme\"\nname = \"Acme IT\"\nkind = \"msp\"\n\n\
         [[source]]\nid = \"acme-tickets\"\nkind = \"csv\"\nvendor = \"acme\"\nrecord = \"tickets\"\npath = \"tickets.csv\"\n",
    )
    .unwrap();
    ok(cli(dir.path(), &["sync"]));

    let syncs: Vec<_> = (0..2)
        .map(|_| {
            command(dir.path(), &["sync", "--full"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
        })
        .collect();
    let out = dir.path().join("q3.pdf");
    let report =
        command(dir.path(), &["report", "--period", "2026-10", "--out", out.to_str().unwrap()]).output().unwrap();
    let mut slowest = std::time::Duration::ZERO;
    for _ in 0..10 {
        let started = std::time::Instant::now();
        let kpis = cli(dir.path(), &["kpis", "--json", "--period", "2026-10"]);
        slowest = slowest.max(started.elapsed());
        assert!(kpis.status.success(), "{}", String::from_utf8_lossy(&kpis.stderr));
    }
    for sync in syncs {
        let output = sync.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
    assert!(slowest < std::time::Duration::from_secs(5), "a read took {slowest:?} while syncs ran");
    let check = ok(cli(dir.path(), &["check", "--full"]));
    assert!(check.contains("Integrity: ok"), "{check}");
    let kpis: serde_json::Value =
        serde_json::from_str(&ok(cli(dir.path(), &["kpis", "--json", "--period", "2026-10", "--vendor", "acme"])))
            .unwrap();
    let tickets = kpis.as_array().unwrap().iter().find(|row| row["metric"] == "tickets_opened").unwrap();
    assert_eq!(tickets["value"], 3000.0);
}
