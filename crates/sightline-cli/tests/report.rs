//! The board report, checked with real PDF tools (qpdf, poppler): it is a
//! valid PDF with every font embedded, it says what `risks --json` says,
//! it has page numbers and its fingerprint, and the archive gives back the
//! exact bytes. Pages are rendered to PNG under target/report-pages/ for
//! people to look at.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const NOW: &str = "2026-11-22T08:00:00Z";

fn cli(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sightline-cli"))
        .args(["--data-dir", data_dir.to_str().unwrap()])
        .args(args)
        .env("SIGHTLINE_PASSPHRASE", "report-test")
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

fn tool(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("{program} is not installed ({error}): run scripts/install-deps.sh --test"));
    assert!(output.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn pages_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/report-pages")
}

#[test]
fn the_quarterly_board_report_is_a_complete_sealed_pdf() {
    let dir = tempfile::tempdir().unwrap();
    ok(cli(dir.path(), &["demo"]));
    let pdf = dir.path().join("board.pdf");
    let printed = ok(cli(dir.path(), &["report", "--period", "2026-Q3", "--out", pdf.to_str().unwrap()]));
    let fingerprint =
        printed.lines().find_map(|line| line.strip_prefix("Fingerprint of its data: ")).unwrap().to_string();
    assert_eq!(fingerprint.len(), 64);

    // A valid PDF, every font embedded.
    tool("qpdf", &["--check", pdf.to_str().unwrap()]);
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let font_rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!font_rows.is_empty(), "{fonts}");
    for row in &font_rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        // name type [encoding] emb sub uni object ID: `emb` is the fifth field from the end.
        assert_eq!(columns[columns.len() - 5], "yes", "a font is not embedded: {row}");
        assert!(row.contains("LiberationSans"), "an unexpected font: {row}");
    }

    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    let pages: usize = info.lines().find_map(|line| line.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    assert!((9..=16).contains(&pages), "the demo's quarterly pack has {pages} pages");
    assert!(info.contains("Harbor & Finch Logistics - IT report"), "{info}");
    // PDF/A-2b for the archive: the XMP metadata declares part 2,
    // conformance B; the document is tagged and says its language.
    let meta = tool("pdfinfo", &["-meta", pdf.to_str().unwrap()]);
    let flat_meta = meta.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat_meta.contains("<pdfaid:part>2</pdfaid:part>") || flat_meta.contains("pdfaid:part=\"2\""),
        "no PDF/A part 2 in the XMP: {meta}"
    );
    assert!(
        flat_meta.contains("<pdfaid:conformance>B</pdfaid:conformance>")
            || flat_meta.contains("pdfaid:conformance=\"B\""),
        "no PDF/A conformance B in the XMP: {meta}"
    );
    assert!(info.contains("Tagged: yes"), "{info}");
    let catalog = tool("qpdf", &["--show-object=trailer", "--filtered-stream-data", pdf.to_str().unwrap()]);
    assert!(!catalog.is_empty());

    let text = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for heading in [
        "Executive summary",
        "Service levels",
        "Security hygiene",
        "Resilience",
        "Vendor scorecard",
        "Executive notes",
        "What the measures mean",
        "Where every figure came from",
        "Confidential",
    ] {
        assert!(flat.contains(heading), "'{heading}' is not in the report");
    }
    assert!(flat.contains(&format!("Page 2 of {pages}")) && flat.contains(&format!("Page {pages} of {pages}")));
    assert!(flat.contains(&fingerprint), "the fingerprint is not in the report");
    // The top risks as they stood when September ended, headline and
    // question: what `risks --json` said on 1 October (a copy of the cache
    // assessed with that date), not today's flags.
    let then = tempfile::tempdir().unwrap();
    for file in ["cache.sightline", "cache.salt"] {
        std::fs::copy(dir.path().join(file), then.path().join(file)).unwrap();
    }
    let output = Command::new(env!("CARGO_BIN_EXE_sightline-cli"))
        .args(["--data-dir", then.path().to_str().unwrap(), "risks", "--json"])
        .env("SIGHTLINE_PASSPHRASE", "report-test")
        .env("SIGHTLINE_NOW", "2026-10-01T00:00:00Z")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .unwrap();
    let risks_then: Vec<Value> = serde_json::from_str(&ok(output)).unwrap();
    assert!(risks_then.len() >= 5);
    for risk in risks_then.iter().take(5) {
        for field in ["headline", "question"] {
            let words = risk[field].as_str().unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains(&words), "{field} '{words}' is not in the report");
        }
    }
    assert!(flat.contains("2 red and 9 amber risks are open."), "the count of risks open at the end of September");
    // Today's flags are not the quarter's: November's figures stay out.
    let today: Vec<Value> = serde_json::from_str(&ok(cli(dir.path(), &["risks", "--json"]))).unwrap();
    let stale = "Stratus Cloud Hosting has left a critical security update uninstalled for 74 days on 8 devices";
    assert!(today.iter().any(|risk| risk["headline"].as_str().unwrap().starts_with(stale)));
    assert!(!flat.contains(stale), "a flag of 22 November is not in the Q3 report");
    assert!(!flat.contains("in November 2026"), "nothing of November is in the Q3 report");

    // Pages as PNG, for people to look at.
    let out = pages_dir();
    std::fs::create_dir_all(&out).unwrap();
    tool("pdftoppm", &["-png", "-r", "60", pdf.to_str().unwrap(), out.join("board").to_str().unwrap()]);
    assert!(std::fs::read_dir(&out).unwrap().count() >= pages);

    // The archive holds the exact bytes, and gives them back checked.
    let reports: Vec<Value> = serde_json::from_str(&ok(cli(dir.path(), &["reports", "--json"]))).unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["fingerprint"], fingerprint.as_str());
    assert_eq!(reports[0]["pages"], pages);
    let again = dir.path().join("again.pdf");
    ok(cli(dir.path(), &["reports", "open", "1", "--out", again.to_str().unwrap()]));
    assert_eq!(std::fs::read(&again).unwrap(), std::fs::read(&pdf).unwrap());

    // US Letter works too, and a second report compares with the first.
    let letter = dir.path().join("letter.pdf");
    ok(cli(dir.path(), &["report", "--period", "2026-Q3", "--paper", "us-letter", "--out", letter.to_str().unwrap()]));
    let info = tool("pdfinfo", &[letter.to_str().unwrap()]);
    assert!(info.contains("612 x 792 pts"), "{info}");
    let compared = ok(cli(dir.path(), &["reports", "compare", "1", "2"]));
    assert!(compared.starts_with("From report 1 (2026-Q3) to report 2 (2026-Q3):"), "{compared}");

    // In April the hosting vendor's backups still met their target but were
    // sliding: the chart projects the crossing, dashed, and says so.
    let april = dir.path().join("april.pdf");
    ok(cli(dir.path(), &["report", "--period", "2026-04", "--out", april.to_str().unwrap()]));
    let text = tool("pdftotext", &[april.to_str().unwrap(), "-"]).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains(
            "Stratus Cloud Hosting, backups that completed: 98.0 % in April 2026; below target in 2 of the last 12 \
             months. At this rate it will fall below target within two months (dashed)."
        ),
        "no forecast in the April report"
    );
}

#[test]
fn a_bad_period_or_paper_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    ok(cli(dir.path(), &["demo"]));
    let output = cli(dir.path(), &["report", "--period", "Q3", "--out", "/tmp/x.pdf"]);
    assert!(!output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim(),
        "error: 'Q3' is not a period: write a month as 2026-10 or a quarter as 2026-Q3"
    );
    let output = cli(dir.path(), &["report", "--paper", "A3", "--out", "/tmp/x.pdf"]);
    assert_eq!(String::from_utf8_lossy(&output.stderr).trim(), "error: 'A3' is not a paper size: use a4 or us-letter");
    let output = cli(dir.path(), &["reports", "open", "7", "--out", "/tmp/x.pdf"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("there is no report 7 in the archive"));
}

#[test]
fn a_report_is_archived_only_once_written_and_only_for_a_finished_period() {
    let dir = tempfile::tempdir().unwrap();
    ok(cli(dir.path(), &["demo"]));
    let out = dir.path().join("board.pdf");

    // November 2026 is still running on 22 November: nothing is made.
    let output = cli(dir.path(), &["report", "--period", "2026-11", "--out", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim(),
        "error: November 2026 has not ended yet: a board report covers a finished period, so nothing was made or \
         archived; the last that has ended is October 2026 (--period 2026-10)"
    );
    let output = cli(dir.path(), &["report", "--period", "2026-Q4", "--out", out.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("the last that has ended is Q3 2026 (--period 2026-Q3)"));
    assert!(!out.exists());

    // A folder that does not exist: nothing archived.
    let nowhere = dir.path().join("no-such-folder/board.pdf");
    let output = cli(dir.path(), &["report", "--period", "2026-Q3", "--out", nowhere.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with(&format!("error: could not write {}: ", nowhere.display())), "{stderr}");
    assert!(stderr.trim_end().ends_with("nothing was written there (a file already there is as it was)"), "{stderr}");
    let archive: Value = serde_json::from_str(&ok(cli(dir.path(), &["reports", "--json"]))).unwrap();
    assert_eq!(archive.as_array().unwrap().len(), 0, "a report that was not written is not archived");

    // Written whole: the file is the archived PDF, with no temporary file left beside it.
    ok(cli(dir.path(), &["report", "--period", "2026-Q3", "--out", out.to_str().unwrap()]));
    let archive: Value = serde_json::from_str(&ok(cli(dir.path(), &["reports", "--json"]))).unwrap();
    assert_eq!(archive.as_array().unwrap().len(), 1);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(archive[0]["sha256"], sightline_sha256(&std::fs::read(&out).unwrap()));
}

fn sightline_sha256(bytes: &[u8]) -> String {
    let output = Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(bytes)?;
            child.wait_with_output()
        })
        .unwrap();
    String::from_utf8_lossy(&output.stdout).split_whitespace().next().unwrap().to_string()
}
