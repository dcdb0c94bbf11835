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
    assert!(flat_meta.contains("<dc:language><rdf:Bag><rdf:li>en</rdf:li></rdf:Bag></dc:language>"), "{meta}");
    assert!(
        info.lines().any(|line| line.starts_with("Tagged:") && line.trim_end().ends_with("yes")),
        "the PDF is not tagged: {info}"
    );

    let text = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for heading in [
        "BOARD BRIEF",
        "What the board is asked to decide",
        "The five most serious risks",
        "Actions due",
        "Since the last report",
        "Service levels",
        "Security hygiene",
        "Resilience",
        "Vendor scorecard",
        "Executive notes",
        "What the measures mean",
        "Where every figure came from",
        "Evidence on file",
        "Supplier reviews",
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
    assert!(flat.contains("3 red and 12 amber risks are open."), "the count of risks open at the end of September");
    // Today's flags are not the quarter's: November's figures stay out.
    let today: Vec<Value> = serde_json::from_str(&ok(cli(dir.path(), &["risks", "--json"]))).unwrap();
    let stale = "Stratus Cloud Hosting has left a critical security update uninstalled for 74 days on 8 devices";
    assert!(today.iter().any(|risk| risk["headline"].as_str().unwrap().starts_with(stale)));
    assert!(!flat.contains(stale), "a flag of 22 November is not in the Q3 report");
    assert!(!flat.contains("in November 2026"), "nothing of November is in the Q3 report");

    // The brief is pages 1 and 2: the state, what the board is asked, the
    // five risks on the grid with their movement and action, the actions due.
    let brief = tool("pdftotext", &["-f", "1", "-l", "2", pdf.to_str().unwrap(), "-"]);
    let brief = brief.split_whitespace().collect::<Vec<_>>().join(" ");
    for words in [
        "What the board is asked to decide",
        "Claim 414 in service credits from Bluepeak IT Services for Q3 2026",
        "Decide whether to escalate: the action on \"Stratus Cloud Hosting has not proven a backup can be restored for \
         163 days; good practice is every 90\" (Head of IT) was due 15 September 2026 and is still open.",
        "Confirm that the board accepts \"One engineer fixed 62.1% of Bluepeak IT Services' tickets in September 2026\": \
         Bluepeak is hiring a second senior engineer in January; accepted until then.",
        "The five most serious risks",
        "Almost certain",
        "No earlier report to compare · almost certain, high impact",
        "Action: Head of IT, due 2 December 2026: in progress",
        "HF-LT-191, HF-LT-192 and 4 more) No earlier report to compare · almost certain, high impact Action: No \
         action agreed yet",
        "Actions due",
        "Overdue: open",
    ] {
        assert!(brief.contains(words), "the brief lacks '{words}':\n{brief}");
    }
    assert!(!brief.contains("Service levels Whether providers"), "the deep-dive starts on page 3");

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
    // A second report of the same quarter has no earlier one to compare
    // with either; October's measures movement against Q3's, and says what
    // became of the actions in it.
    let second = tool("pdftotext", &["-f", "2", "-l", "2", letter.to_str().unwrap(), "-"]);
    let second = second.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(second.contains("No earlier report to compare · almost certain, high impact"), "{second}");
    let october = dir.path().join("october.pdf");
    ok(cli(dir.path(), &["report", "--period", "2026-10", "--out", october.to_str().unwrap()]));
    let page = tool("pdftotext", &["-f", "2", "-l", "2", october.to_str().unwrap(), "-"]);
    let page = page.split_whitespace().collect::<Vec<_>>().join(" ");
    for words in [
        // (the grid's labels sit between the headline's lines in the text)
        "uninstalled for 53 days on 8 devices; the limit is 14 Worse since the last report · almost certain, high \
         impact",
        "New since the last report · almost certain, high impact",
        "and 4 more) Unchanged since the last report · almost certain, high impact",
        "Actions agreed at the last report",
        "Head of IT still open, overdue since 15 September 2026",
        "COO the risk was accepted: Bluepeak is hiring a second senior engineer in January; accepted until then.",
    ] {
        assert!(page.contains(words), "October's brief lacks '{words}':\n{page}");
    }

    // In April the hosting vendor's backups still met their target but were
    // sliding: the chart projects the crossing, dashed, and says so.
    let april = dir.path().join("april.pdf");
    ok(cli(dir.path(), &["report", "--period", "2026-04", "--out", april.to_str().unwrap()]));
    let text = tool("pdftotext", &[april.to_str().unwrap(), "-"]).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains(
            "Stratus Cloud Hosting, backups that completed: 98.0% in April 2026; below target in 2 of the last 12 \
             months. At this rate it will fall below target within two months (dashed)."
        ),
        "no forecast in the April report"
    );
}

/// Actions, evidence and reviews: set from the CLI, refused when
/// incomplete, carried by `risks --json`, kept only inside the encrypted
/// cache, and in the board pack.
#[test]
fn actions_evidence_and_reviews_reach_the_board_pack() {
    let dir = tempfile::tempdir().unwrap();
    ok(cli(dir.path(), &["demo"]));
    let flag = "critical_vulnerability_overdue:stratus";

    // A first action needs an owner and a due date; an accepted risk a reason.
    let (code, stderr) = failed(cli(dir.path(), &["action", flag, "--due", "2027-01-31"]));
    assert_eq!((code, stderr.as_str()), (1, "error: the action has no owner: name who is answerable for it (--owner)"));
    let (_, stderr) = failed(cli(dir.path(), &["action", flag, "--owner", "CFO", "--due", "31/01/2027"]));
    assert_eq!(stderr, "error: '31/01/2027' is not a date: write the due date as 2027-01-31");
    let (_, stderr) = failed(cli(dir.path(), &["action", "no-such-flag", "--owner", "CFO", "--due", "2027-01-31"]));
    assert_eq!(stderr, "error: there is no flag 'no-such-flag': `sightline-cli risks --all` lists their ids");
    let said = ok(cli(dir.path(), &["action", flag, "--owner", "CFO", "--due", "2027-01-31"]));
    assert_eq!(
        said.trim(),
        "Stratus Cloud Hosting has 1 critical security weakness open for 45 days; the deadline is 15 days: CFO owns \
         it, due 2027-01-31; open"
    );
    let (_, stderr) = failed(cli(dir.path(), &["action", flag, "--status", "accepted"]));
    assert_eq!(
        stderr,
        "error: accepting a risk needs a reason the board can read (--reason \"...\"): nothing was recorded"
    );
    ok(cli(dir.path(), &["action", flag, "--status", "in-progress"]));
    let risks: Vec<Value> = serde_json::from_str(&ok(cli(dir.path(), &["risks", "--json"]))).unwrap();
    let risk = risks.iter().find(|risk| risk["id"] == flag).unwrap();
    assert_eq!(risk["action"]["owner"], "CFO");
    assert_eq!(risk["action"]["due"], "2027-01-31");
    assert_eq!(risk["action"]["status"], "in_progress");
    assert_eq!((risk["likelihood"].as_str(), risk["impact"].as_str()), (Some("almost certain"), Some("high")));

    // A penetration test from the hosting vendor: its flag goes. The file
    // is kept inside the encrypted cache only, and comes back byte for byte.
    let missing = "No penetration test report from Stratus Cloud Hosting is on file";
    assert!(risks.iter().any(|risk| risk["headline"] == missing));
    let file = dir.path().join("stratus-pentest.pdf");
    let marker = "Stratus penetration test findings: unmistakable-marker-5731";
    std::fs::write(&file, marker).unwrap();
    let (_, stderr) = failed(cli(
        dir.path(),
        &[
            "evidence",
            "add",
            file.to_str().unwrap(),
            "--vendor",
            "stratus",
            "--kind",
            "pentest",
            "--issued",
            "2027-02-01",
        ],
    ));
    assert_eq!(stderr, "error: the document is dated 2027-02-01, which is in the future: give the date it was issued");
    let (_, stderr) = failed(cli(
        dir.path(),
        &[
            "evidence",
            "add",
            file.to_str().unwrap(),
            "--vendor",
            "nobody",
            "--kind",
            "pentest",
            "--issued",
            "2026-10-01",
        ],
    ));
    assert!(stderr.starts_with("error: there is no vendor 'nobody'"), "{stderr}");
    let said = ok(cli(
        dir.path(),
        &[
            "evidence",
            "add",
            file.to_str().unwrap(),
            "--vendor",
            "stratus",
            "--kind",
            "pentest",
            "--issued",
            "2026-10-01",
            "--expires",
            "2027-10-01",
        ],
    ));
    assert_eq!(
        said.trim(),
        "Put on file as document 8: Stratus Cloud Hosting penetration test report (October 2026) (59 bytes, valid \
         until 1 October 2027)."
    );
    let risks: Vec<Value> = serde_json::from_str(&ok(cli(dir.path(), &["risks", "--json"]))).unwrap();
    assert!(!risks.iter().any(|risk| risk["headline"] == missing), "the flag went with the document on file");
    let cache = std::fs::read(dir.path().join("cache.sightline")).unwrap();
    assert!(!cache.windows(marker.len()).any(|window| window == marker.as_bytes()), "the document is encrypted");
    let copy = dir.path().join("copy.pdf");
    ok(cli(dir.path(), &["evidence", "open", "8", "--out", copy.to_str().unwrap()]));
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), marker);
    let documents: Vec<Value> =
        serde_json::from_str(&ok(cli(dir.path(), &["evidence", "list", "--vendor", "bluepeak", "--json"]))).unwrap();
    let soc2 = documents.iter().find(|doc| doc["kind"] == "soc2").unwrap();
    assert_eq!(
        (soc2["state"].as_str(), soc2["state_text"].as_str()),
        (Some("old"), Some("14 months old, with no expiry date"))
    );

    // A supplier review: logged, and the vendor's review clock restarts.
    let (_, stderr) = failed(cli(
        dir.path(),
        &["review", "add", "--vendor", "stratus", "--on", "2026-11-20", "--by", "CFO", "--outcome", " "],
    ));
    assert_eq!(stderr, "error: a review needs who reviewed (--by) and its outcome (--outcome)");
    ok(cli(
        dir.path(),
        &[
            "review",
            "add",
            "--vendor",
            "stratus",
            "--on",
            "2026-10-20",
            "--by",
            "CFO",
            "--outcome",
            "Patching plan agreed",
            "--next",
            "2027-02-20",
        ],
    ));
    let reviews: Vec<Value> =
        serde_json::from_str(&ok(cli(dir.path(), &["review", "list", "--vendor", "stratus", "--json"]))).unwrap();
    assert_eq!(reviews[0]["reviewed_on"], "2026-10-20");
    assert_eq!(reviews[0]["next_due"], "2027-02-20");

    // The pack of October: the action (as it stands), the document and the
    // review (dated in October) in it.
    let pdf = dir.path().join("october.pdf");
    ok(cli(dir.path(), &["report", "--period", "2026-10", "--out", pdf.to_str().unwrap()]));
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]).split_whitespace().collect::<Vec<_>>().join(" ");
    for words in [
        "Action: CFO, due 31 January 2027: in progress",
        "Stratus Cloud Hosting penetration test report (October 2026)",
        "Stratus Cloud Hosting: last reviewed 20 October 2026 by CFO. Patching plan agreed. Next review due 20 \
         February 2027.",
    ] {
        assert!(text.contains(words), "the October pack lacks '{words}'");
    }

    // Taking a document off file keeps an automatic backup first; its flag
    // comes back.
    let said = ok(cli(dir.path(), &["evidence", "remove", "8"]));
    assert_eq!(
        said.trim(),
        "Document 8 is no longer on file; an automatic backup holding it was kept first in backups/."
    );
    let kept: Vec<String> = std::fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(kept.iter().any(|name| name.contains("before-remove-document-8")), "{kept:?}");
    let risks: Vec<Value> = serde_json::from_str(&ok(cli(dir.path(), &["risks", "--json"]))).unwrap();
    assert!(risks.iter().any(|risk| risk["headline"] == missing), "the flag is back");
    let (_, stderr) = failed(cli(dir.path(), &["evidence", "remove", "8"]));
    assert_eq!(stderr, "error: there is no document 8 on file: `sightline-cli evidence list` lists them");

    // Nothing required: no evidence flags at all.
    assert_eq!(ok(cli(dir.path(), &["evidence", "require", "none"])).trim(), "No documents are required of vendors.");
    let risks: Vec<Value> = serde_json::from_str(&ok(cli(dir.path(), &["risks", "--json"]))).unwrap();
    assert!(!risks.iter().any(|risk| risk["rule"] == "evidence_on_file"));
}

fn failed(output: Output) -> (i32, String) {
    assert!(!output.status.success());
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).trim().to_string())
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
