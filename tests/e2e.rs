//! End-to-end tests of the real desktop app: the `sightline` binary in a
//! real window under Xvfb, driven through tauri-driver and WebKitWebDriver.
//! `cargo xtask e2e` builds the binaries and runs this under `xvfb-run`;
//! it needs `tauri-driver` on the PATH and `WebKitWebDriver` installed.

use std::process::Command;
use std::time::Duration;

use anyhow::Context;
use fantoccini::{Client, Locator};
use serde_json::Value;
use sightline_e2e::*;

struct Seen {
    tiles: Vec<(String, String, String)>,
    demo_banner: bool,
    risks: Vec<String>,
    headline: String,
    focused_after_tab: String,
    /// Tiles that show their sparkline, and whether each image loaded.
    sparklines: Vec<(String, bool)>,
}

async fn read_overview(client: &Client) -> anyhow::Result<Seen> {
    wait_for(client, "[data-testid=tile-vendors]").await?;
    let mut tiles = Vec::new();
    for area in ["service_levels", "security_hygiene", "resilience", "vendors"] {
        let tile = client.find(Locator::Css(&format!("[data-testid=tile-{area}]"))).await?;
        let metric = tile.attr("data-metric").await?.unwrap_or_default();
        let value = tile.attr("data-value").await?.unwrap_or_default();
        let figure = tile.find(Locator::Css("[data-testid=figure]")).await?.text().await?;
        tiles.push((metric, value, figure));
    }
    let demo_banner = client.find(Locator::Css("[data-testid=demo-banner]")).await.is_ok();
    let mut risks = Vec::new();
    for item in client.find_all(Locator::Css("[data-testid=top-risks] .headline")).await? {
        risks.push(item.text().await?);
    }
    let headline = client.find(Locator::Css("[data-testid=headline]")).await?.text().await?;
    let loaded = client
        .execute(
            "return [...document.querySelectorAll('[data-testid=sparkline]')].map(img => \
             [img.closest('article').dataset.testid, img.complete && img.naturalWidth > 0]);",
            vec![],
        )
        .await?;
    let sparklines = serde_json::from_value(loaded)?;
    save_screenshot(client, "overview.png").await?;
    client.execute("document.querySelector('[data-testid=top-risks]').scrollIntoView();", vec![]).await?;
    save_screenshot(client, "overview-risks.png").await?;
    client.execute("window.scrollTo(0, 0);", vec![]).await?;
    // Keyboard: the first Tab lands on the first control.
    client.execute("document.body.focus();", vec![]).await?;
    client.active_element().await?.send_keys("\u{E004}").await?;
    let focused = client
        .execute("return document.activeElement ? document.activeElement.textContent.trim() : '';", vec![])
        .await?;
    Ok(Seen {
        tiles,
        demo_banner,
        risks,
        headline,
        focused_after_tab: focused.as_str().unwrap_or_default().to_string(),
        sparklines,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overview_shows_the_same_figures_as_the_cli() -> anyhow::Result<()> {
    let app = binary("sightline");
    assert!(app.exists(), "{} is missing: run `cargo xtask e2e`, which builds it first", app.display());
    let data_dir = tempfile::tempdir()?;

    // A first run with an empty data directory: the app builds the demo
    // company itself and says that it is showing demo data.
    let driver = start_driver(data_dir.path())?;
    let client = connect(&app).await?;
    let seen = read_overview(&client).await;
    client.close().await?;
    drop(driver);
    let seen = seen?;

    assert!(seen.demo_banner, "the Overview must say that it shows demo data");
    // The three measured areas show twelve months as a sparkline, drawn by
    // the same renderer as the board report and loaded under the strict CSP.
    assert_eq!(
        seen.sparklines,
        vec![
            ("tile-service_levels".to_string(), true),
            ("tile-security_hygiene".to_string(), true),
            ("tile-resilience".to_string(), true),
        ]
    );
    assert!(seen.headline.starts_with("Needs attention"), "headline was {:?}", seen.headline);
    // The first Tab offers to skip the product bar, as on any well-made site.
    assert_eq!(seen.focused_after_tab, "Skip to the content");

    let rows = cli_json(data_dir.path(), "kpis")?;
    let all_vendors = |metric: &str| -> Option<f64> {
        rows.iter().find(|row| row["vendor"] == "all" && row["metric"] == metric).and_then(|row| row["value"].as_f64())
    };
    let metric_tiles: Vec<_> = seen.tiles.iter().filter(|(metric, _, _)| !metric.is_empty()).collect();
    assert_eq!(
        metric_tiles.iter().map(|(metric, _, _)| metric.as_str()).collect::<Vec<_>>(),
        ["sla_response_compliance_pct", "patch_compliance_pct", "days_since_restore_test"]
    );
    for (metric, value, figure) in metric_tiles {
        let expected = all_vendors(metric).with_context(|| format!("the CLI has no value for {metric}"))?;
        let shown: f64 = value.parse().with_context(|| format!("tile {metric} shows no number: {value:?}"))?;
        assert_eq!(shown, expected, "{metric}: the window shows {shown}, the CLI says {expected}");
        let text = match metric.as_str() {
            "days_since_restore_test" => format!("{expected:.0} days"),
            _ => format!("{expected:.1}%"),
        };
        assert_eq!(figure, &text, "{metric} is written as {figure:?}");
    }

    // The top five risks are the CLI's first five, in the same order.
    let risks = cli_json(data_dir.path(), "risks")?;
    let expected: Vec<&str> = risks.iter().take(5).filter_map(|risk| risk["headline"].as_str()).collect();
    assert_eq!(seen.risks, expected);

    // The vendors tile counts vendors with no figure at risk or missed.
    let mut vendors: Vec<&str> = rows.iter().filter_map(|row| row["vendor"].as_str()).filter(|v| *v != "all").collect();
    vendors.dedup();
    let on_target = vendors
        .iter()
        .filter(|vendor| {
            rows.iter()
                .filter(|row| row["vendor"] == **vendor)
                .all(|row| row["status"] != "at_risk" && row["status"] != "missed")
        })
        .count();
    let (_, value, figure) = &seen.tiles[3];
    assert_eq!(value, &on_target.to_string());
    assert_eq!(figure, &format!("{on_target} of {}", vendors.len()));
    Ok(())
}

fn value_of(row: &Value) -> String {
    row["value"].as_f64().map(|value| value.to_string()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn risks_are_acknowledged_with_a_note_that_survives_a_restart() -> anyhow::Result<()> {
    let data_dir = tempfile::tempdir()?;
    let session = Session::start(data_dir.path()).await?;
    session.key_to("risks").await?;
    let shown = session.texts("[data-testid=risk] [data-testid=risk-headline]").await?;
    let ids = session.attrs("[data-testid=risk]", "data-id").await?;
    session.screenshot("risks.png").await?;

    let risks = cli_json(data_dir.path(), "risks")?;
    let mut expected: Vec<String> =
        risks.iter().filter_map(|risk| risk["headline"].as_str().map(String::from)).collect();
    let mut seen = shown.clone();
    expected.sort();
    seen.sort();
    assert_eq!(seen, expected, "the Risks screen shows every open flag the CLI lists");

    // The flag the demo's provider already has an action on: the action
    // form below starts from it.
    let first = ids
        .iter()
        .find(|id| id.as_str() == "critical_patch_overdue:stratus")
        .context("the demo's critical patch flag is not shown")?
        .clone();
    let flag = wait_for(&session.client, &format!("[data-testid=risk][data-id='{first}']")).await?;
    flag.find(Locator::Css("[data-testid=ack-open]")).await?.click().await?;
    let note = "Raised with the account manager on 20 Nov; fix promised by 5 Dec.";
    wait_for(&session.client, "[data-testid=ack-note]").await?.send_keys(note).await?;
    session.screenshot("risks-note.png").await?;
    wait_for(&session.client, "[data-testid=ack-save]").await?.click().await?;
    let shown_note =
        wait_for(&session.client, &format!("[data-testid=risk][data-id='{first}'] [data-testid=ack-text]"))
            .await?
            .text()
            .await?;
    assert!(shown_note.contains(note), "the note shown is {shown_note:?}");
    session.close().await?;

    // After a restart the note is still there, in the window and the CLI.
    let session = Session::start(data_dir.path()).await?;
    session.click_to("risks").await?;
    wait_for(&session.client, "[data-testid=filter-acknowledged]").await?.click().await?;
    let kept = wait_for(&session.client, &format!("[data-testid=risk][data-id='{first}'] [data-testid=ack-text]"))
        .await?
        .text()
        .await?;
    assert!(kept.contains(note), "after a restart the note is {kept:?}");
    assert_eq!(session.attrs("[data-testid=risk]", "data-id").await?, vec![first.clone()]);
    session.screenshot("risks-acknowledged.png").await?;
    session.close().await?;
    let risks = cli_json_args(data_dir.path(), &["risks", "--all"])?;
    let acknowledged = risks.iter().find(|risk| risk["id"] == first.as_str()).context("flag gone")?;
    assert_eq!(acknowledged["acknowledged"]["note"], note);

    // An action: an accepted risk without a reason is refused in words;
    // with one it is kept, shown, and in the CLI's `risks --json`.
    let session = Session::start(data_dir.path()).await?;
    session.click_to("risks").await?;
    let flag = wait_for(&session.client, &format!("[data-testid=risk][data-id='{first}']")).await?;
    flag.find(Locator::Css("[data-testid=action-open]")).await?.click().await?;
    // The demo's first flag has an action already: the form starts from it.
    let owner = wait_for(&session.client, "[data-testid=action-owner]").await?;
    assert_eq!(owner.prop("value").await?.unwrap_or_default(), "Head of IT");
    owner.clear().await?;
    owner.send_keys("Chief Operating Officer").await?;
    set_value(&session, "[data-testid=action-due]", "2027-01-31").await?;
    wait_for(&session.client, "[data-testid=action-status]").await?.select_by_value("accepted").await?;
    wait_for(&session.client, "[data-testid=action-save]").await?.click().await?;
    let problem = wait_for(&session.client, "[data-testid=action-error]").await?.text().await?;
    assert!(problem.to_lowercase().contains("reason"), "{problem}");
    let reason = "The provider replaces these devices in January.";
    wait_for(&session.client, "[data-testid=action-reason]").await?.send_keys(reason).await?;
    session.screenshot("risks-action-form.png").await?;
    wait_for(&session.client, "[data-testid=action-save]").await?.click().await?;
    // The line was there before: it changes once the save lands.
    let shown = wait_for_text(
        &session.client,
        &format!("[data-testid=risk][data-id='{first}'] [data-testid=action-text]"),
        "Chief Operating Officer",
    )
    .await?;
    assert_eq!(shown, "Chief Operating Officer, due 31 January 2027 — accepted risk");
    session.screenshot("risks-action.png").await?;
    session.close().await?;
    let risks = cli_json_args(data_dir.path(), &["risks", "--all"])?;
    let risk = risks.iter().find(|risk| risk["id"] == first.as_str()).context("flag gone")?;
    assert_eq!(risk["action"]["owner"], "Chief Operating Officer");
    assert_eq!(risk["action"]["due"], "2027-01-31");
    assert_eq!(risk["action"]["status"], "accepted");
    assert_eq!(risk["action"]["reason"], reason);
    Ok(())
}

/// Sets a form field's value the way typing does (WebKitWebDriver cannot
/// type into a date field).
async fn set_value(session: &Session, css: &str, value: &str) -> anyhow::Result<()> {
    wait_for(&session.client, css).await?;
    session
        .client
        .execute(
            "const el = document.querySelector(arguments[0]); el.value = arguments[1]; \
             el.dispatchEvent(new Event('input', { bubbles: true })); \
             el.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![css.into(), value.into()],
        )
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_and_reviews_are_kept_on_the_vendor_page() -> anyhow::Result<()> {
    let data_dir = tempfile::tempdir()?;
    let session = Session::start(data_dir.path()).await?;
    session.client.execute("window.location.hash = '#vendors/stratus'", Vec::new()).await?;
    wait_for(&session.client, "[data-testid=vendor-page][data-ready=true][data-vendor='stratus']").await?;
    let before = session.attrs("[data-testid=evidence-row]", "data-id").await?;
    assert_eq!(before.len(), 2, "the demo's hosting vendor has two documents on file");

    // A penetration test report, put on file from the file chosen.
    let marker = "Stratus external penetration test, October 2026: findings.";
    std::fs::write(saved_reports_dir(data_dir.path()).join("evidence.pdf"), marker)?;
    wait_for(&session.client, "[data-testid=evidence-kind]").await?.select_by_value("pentest").await?;
    set_value(&session, "[data-testid=evidence-issued]", "2026-10-01").await?;
    set_value(&session, "[data-testid=evidence-expires]", "2027-10-01").await?;
    wait_for(&session.client, "[data-testid=evidence-add]").await?.click().await?;
    wait_for(&session.client, "[data-testid=evidence-added]").await?;
    wait_for(&session.client, "[data-testid=evidence-row][data-state=current]").await?;
    let after = session.attrs("[data-testid=evidence-row]", "data-id").await?;
    assert_eq!(after.len(), 3, "{after:?}");

    // A supplier review, logged.
    set_value(&session, "[data-testid=review-date]", "2026-11-20").await?;
    wait_for(&session.client, "[data-testid=review-by]").await?.send_keys("CFO").await?;
    wait_for(&session.client, "[data-testid=review-outcome]").await?.send_keys("Patching plan agreed.").await?;
    set_value(&session, "[data-testid=review-next]", "2027-02-20").await?;
    wait_for(&session.client, "[data-testid=review-add]").await?.click().await?;
    wait_for(&session.client, "[data-testid=review-logged]").await?;
    session
        .client
        .execute("document.querySelector('[data-testid=evidence-section]').scrollIntoView();", vec![])
        .await?;
    session.screenshot("vendor-evidence.png").await?;
    session.client.execute("document.querySelector('[data-testid=review-section]').scrollIntoView();", vec![]).await?;
    session.screenshot("vendor-reviews.png").await?;
    session.close().await?;

    let documents = cli_json_args(data_dir.path(), &["evidence", "list", "--vendor", "stratus"])?;
    let added = documents.iter().find(|doc| doc["kind"] == "pentest").context("the document is not on file")?;
    assert_eq!(added["issued"], "2026-10-01");
    assert_eq!(added["expires"], "2027-10-01");
    assert_eq!(added["file_name"], "evidence.pdf");
    let risks = cli_json(data_dir.path(), "risks")?;
    assert!(
        !risks.iter().any(|risk| risk["id"] == "evidence_on_file:stratus:pentest"),
        "the missing-document flag went"
    );
    let reviews = cli_json_args(data_dir.path(), &["review", "list", "--vendor", "stratus"])?;
    assert_eq!(reviews[0]["reviewer"], "CFO");
    assert_eq!(reviews[0]["next_due"], "2027-02-20");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vendors_scorecard_and_vendor_page_show_the_cli_figures() -> anyhow::Result<()> {
    let data_dir = tempfile::tempdir()?;
    let session = Session::start(data_dir.path()).await?;
    session.click_to("vendors").await?;
    let vendors = session.attrs("[data-testid=vendor-row]", "data-vendor").await?;
    let ranks = session.attrs("[data-testid=vendor-row]", "data-rank").await?;
    session.screenshot("vendors.png").await?;
    let rows = cli_json(data_dir.path(), "kpis")?;
    let mut expected: Vec<String> =
        rows.iter().filter_map(|row| row["vendor"].as_str()).filter(|v| *v != "all").map(String::from).collect();
    expected.dedup();
    let mut sorted = vendors.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(sorted, expected, "one scorecard row per vendor");
    assert_eq!(ranks, (1..=vendors.len()).map(|rank| rank.to_string()).collect::<Vec<_>>());
    // Every cell's status is the CLI's for that vendor and measure.
    for vendor in &vendors {
        let cells = session
            .client
            .find_all(Locator::Css(&format!(
                "[data-testid=vendor-row][data-vendor='{vendor}'] [data-testid=score-cell]"
            )))
            .await?;
        assert_eq!(cells.len(), 9, "{vendor}");
        for cell in cells {
            let metric = cell.attr("data-metric").await?.unwrap_or_default();
            let status = cell.attr("data-status").await?.unwrap_or_default();
            let row = rows.iter().find(|row| row["vendor"] == vendor.as_str() && row["metric"] == metric.as_str());
            let expected = row.and_then(|row| row["status"].as_str()).unwrap_or("no_target");
            assert_eq!(status, expected, "{vendor} {metric}");
        }
    }

    // The first vendor's page, opened by its link.
    let vendor = &vendors[0];
    wait_for(&session.client, &format!("[data-testid=vendor-row][data-vendor='{vendor}'] a")).await?.click().await?;
    wait_for(&session.client, &format!("[data-testid=vendor-page][data-ready=true][data-vendor='{vendor}']")).await?;
    let metrics = session.attrs("[data-testid=vendor-metric]", "data-metric").await?;
    let values = session.attrs("[data-testid=vendor-metric]", "data-value").await?;
    assert!(!metrics.is_empty());
    for (metric, value) in metrics.iter().zip(&values) {
        let row = rows.iter().find(|row| row["vendor"] == vendor.as_str() && row["metric"] == metric.as_str());
        assert_eq!(value, &row.map(value_of).unwrap_or_default(), "{vendor} {metric}");
    }
    session.screenshot("vendor-page.png").await?;

    // The MSP's disputes for October, as `sightline-cli disputes` lists them,
    // reached the way the reported-SLA-mismatch flag links to them.
    let disputes = cli_json_args(data_dir.path(), &["disputes", "--vendor", "bluepeak", "--period", "2026-10"])?;
    session.client.execute("window.location.hash = '#vendors/bluepeak/disputes/2026-10'", Vec::new()).await?;
    wait_for(&session.client, "[data-testid=vendor-page][data-ready=true][data-vendor='bluepeak']").await?;
    wait_for(&session.client, "[data-testid=disputes]").await?;
    let tickets = session.attrs("[data-testid=dispute]", "data-ticket").await?;
    let expected: Vec<String> = disputes.iter().filter_map(|row| row["ticket"].as_str()).map(String::from).collect();
    assert_eq!(tickets, expected);
    assert_eq!(tickets.len(), 16);
    let summary = wait_for(&session.client, "[data-testid=disputes-summary]").await?.text().await?;
    assert!(
        summary.starts_with("Bluepeak IT Services and Sightline disagree on 16 tickets of October 2026"),
        "{summary}"
    );
    session.screenshot("vendor-disputes.png").await?;
    session.close().await
}

/// The claimed-vs-measured screen lists every comparison `sightline-cli
/// claims` makes, with the same verdicts, and opens the records behind the
/// website outage the provider's monitor does not show.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_show_each_comparison_the_cli_makes() -> anyhow::Result<()> {
    let data_dir = tempfile::tempdir()?;
    let session = Session::start(data_dir.path()).await?;
    session.click_to("claims").await?;
    wait_for(&session.client, "[data-testid=claims][data-ready=true]").await?;
    let view = cli_value(data_dir.path(), &["claims"])?;
    let mut expected: Vec<String> = Vec::new();
    for vendor in view["vendors"].as_array().into_iter().flatten() {
        for row in vendor["rows"].as_array().into_iter().flatten() {
            expected.push(format!(
                "{} {} {}",
                vendor["vendor"].as_str().unwrap_or(""),
                row["topic"].as_str().unwrap_or(""),
                row["verdict"].as_str().unwrap_or("")
            ));
        }
    }
    let mut shown: Vec<String> = session
        .client
        .execute(
            "return [...document.querySelectorAll('[data-testid=claims-vendor]')].flatMap(section => \
             [...section.querySelectorAll('[data-testid=claim]')].map(row => \
             section.dataset.vendor + ' ' + row.dataset.topic + ' ' + row.dataset.verdict));",
            vec![],
        )
        .await
        .map(|value| serde_json::from_value(value).unwrap_or_default())?;
    shown.sort();
    expected.sort();
    assert_eq!(shown, expected);
    assert!(expected.contains(&"stratus uptime disagree".to_string()), "{expected:?}");
    // Disagreements come first on the screen.
    let first = session.attrs("[data-testid=claim]", "data-verdict").await?;
    assert_eq!(first[0], "disagree");
    let records = wait_for(
        &session.client,
        "[data-testid=claims-vendor][data-vendor=stratus] [data-testid=claim][data-topic=uptime] [data-testid=claim-records]",
    )
    .await?;
    records.find(Locator::Css("summary")).await?.click().await?;
    // The records are drawn once the list is opened.
    wait_for_text(
        &session.client,
        "[data-testid=claims-vendor][data-vendor=stratus] [data-testid=claim][data-topic=uptime] [data-testid=claim-records] ul",
        "site-checks:https://track.harborfinch.example/@",
    )
    .await?;
    session.screenshot("claims.png").await?;
    session.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trends_show_each_month_and_open_the_records_behind_a_figure() -> anyhow::Result<()> {
    let data_dir = tempfile::tempdir()?;
    let session = Session::start(data_dir.path()).await?;
    session.key_to("trends").await?;
    let periods = session.attrs("[data-testid=trend-period]", "data-period").await?;
    let values = session.attrs("[data-testid=trend-period]", "data-value").await?;
    assert_eq!(periods.len(), 12, "twelve months");
    assert_eq!(periods.last().map(String::as_str), Some("2026-11"));
    let metric = session.attrs("[data-testid=trends]", "data-metric").await?.remove(0);
    let vendor = session.attrs("[data-testid=trends]", "data-vendor").await?.remove(0);
    session.screenshot("trends.png").await?;
    // The last three months agree with the CLI.
    for (period, value) in periods.iter().zip(&values).skip(9) {
        let rows = cli_json_args(data_dir.path(), &["kpis", "--period", period, "--vendor", &vendor])?;
        let row = rows.iter().find(|row| row["metric"] == metric.as_str()).context("no such kpi")?;
        assert_eq!(value, &value_of(row), "{metric} {vendor} {period}");
    }

    // Drill into October: one row per record, as many as the CLI counts.
    let october =
        wait_for(&session.client, "[data-testid=trend-period][data-period='2026-10'] [data-testid=drill]").await?;
    october.click().await?;
    let drill = wait_for(&session.client, "[data-testid=drilldown][data-total]").await?;
    let total: u32 = drill.attr("data-total").await?.unwrap_or_default().parse()?;
    let left_out: u32 = drill.attr("data-left-out").await?.unwrap_or_default().parse()?;
    let rows = cli_json_args(data_dir.path(), &["kpis", "--period", "2026-10", "--vendor", &vendor])?;
    let records = rows.iter().find(|row| row["metric"] == metric.as_str()).and_then(|row| row["records"].as_u64());
    // The figure counts what it did not leave out; the rest are listed with the reason.
    assert_eq!(Some(u64::from(total - left_out)), records);
    let met = session.attrs("[data-testid=drill-row]", "data-met").await?;
    assert_eq!(met.len() as u32, total.min(500));
    assert!(met.iter().any(|met| met == "false"), "some tickets missed their target");
    session.screenshot("trends-drilldown.png").await?;

    // Quarters instead of months.
    wait_for(&session.client, "[data-testid=trend-quarters]").await?.click().await?;
    wait_for(&session.client, "[data-testid=trends][data-ready=true][data-granularity=quarter]").await?;
    assert_eq!(session.attrs("[data-testid=trend-period]", "data-period").await?.len(), 8);
    session.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_is_exported_archived_and_opened_inside_the_app() -> anyhow::Result<()> {
    let data_dir = tempfile::tempdir()?;
    let session = Session::start(data_dir.path()).await?;
    session.click_to("reports").await?;
    wait_for(&session.client, "[data-testid=report-period]").await?.select_by_value("2026-Q3").await?;
    wait_for(&session.client, "[data-testid=export-report]").await?.click().await?;
    let done = wait_for(&session.client, "[data-testid=export-done]").await?;
    let id = done.attr("data-id").await?.unwrap_or_default();
    let row = wait_for(&session.client, &format!("[data-testid=archive-row][data-id='{id}']")).await?;
    let signature = row.find(Locator::Css("[data-testid=report-signature]")).await?.text().await?;
    assert!(signature.contains("Signature checked"), "{signature}");
    session.screenshot("reports.png").await?;

    let archive = cli_json(data_dir.path(), "reports")?;
    let stored = archive
        .iter()
        .find(|report| report["id"].as_i64().map(|n| n.to_string()).as_deref() == Some(id.as_str()))
        .context("not in the CLI's archive")?;
    assert_eq!(stored["period"], "2026-Q3");
    let pages = stored["pages"].as_u64().context("pages")?;

    // Open it from the archive: the stored PDF, rendered by the bundled pdf.js.
    let row = wait_for(&session.client, &format!("[data-testid=archive-row][data-id='{id}']")).await?;
    row.find(Locator::Css("[data-testid=open-report]")).await?.click().await?;
    let viewer = wait_for(&session.client, "[data-testid=pdf-viewer][data-pages]").await?;
    assert_eq!(viewer.attr("data-pages").await?.unwrap_or_default(), pages.to_string());
    wait_for(&session.client, "[data-testid=fingerprint-ok]").await?;
    wait_for(&session.client, "[data-testid=pdf-page][data-drawn=true]").await?;
    // The first page is really painted: the canvas holds dark pixels (text).
    let inked = session
        .client
        .execute(
            "const c = document.querySelector('[data-testid=pdf-page][data-drawn=true]'); \
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; \
             for (let i = 0; i < d.length; i += 4) { if (d[i] < 128 && d[i + 1] < 128 && d[i + 2] < 128) n++; } return n;",
            vec![],
        )
        .await?;
    assert!(inked.as_u64().unwrap_or(0) > 1000, "the first page drew no text: {inked}");
    session.client.execute("document.querySelector('[data-testid=report-viewer]').scrollIntoView();", vec![]).await?;
    session.screenshot("report-viewer.png").await?;

    // "Save a copy" writes the stored bytes.
    let row = wait_for(&session.client, &format!("[data-testid=archive-row][data-id='{id}']")).await?;
    row.find(Locator::Css("[data-testid=save-copy]")).await?.click().await?;
    wait_for(&session.client, "[data-testid=saved-to]").await?;
    let copy = saved_reports_dir(data_dir.path()).join("Sightline board report 2026-Q3.pdf");
    let bytes = std::fs::read(&copy).with_context(|| format!("{} was not written", copy.display()))?;
    assert!(bytes.starts_with(b"%PDF"), "the copy is a PDF");
    // With its signature beside it, which the CLI accepts.
    let signature = saved_reports_dir(data_dir.path()).join("Sightline board report 2026-Q3.pdf.minisig");
    assert!(signature.exists(), "no signature beside the copy");
    session.close().await?;
    let verified = Command::new(binary("sightline-cli"))
        .args(["--data-dir", data_dir.path().to_str().unwrap_or_default(), "verify", copy.to_str().unwrap_or_default()])
        .env("SIGHTLINE_PASSPHRASE", PASSPHRASE)
        .env("SIGHTLINE_NOW", NOW)
        .output()?;
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_source_is_added_and_synced_with_its_progress_shown() -> anyhow::Result<()> {
    let data_dir = tempfile::tempdir()?;
    std::fs::write(
        data_dir.path().join("sightline.toml"),
        "company = \"Northwind Harbour Ltd\"\ntimezone = \"Europe/London\"\n\n[[vendor]]\nid = \"internal\"\nname = \"Internal IT\"\nkind = \"internal\"\n",
    )?;
    let csv = data_dir.path().join("helpdesk.csv");
    std::fs::write(
        &csv,
        "id,created_at,priority,first_response_at,resolved_at\nT1,2026-11-20 09:00,P2,2026-11-20 09:20,2026-11-20 15:00\nT2,2026-11-21 10:00,P3,2026-11-21 11:30,\nT3,2026-11-21 12:00,P1,2026-11-21 12:05,2026-11-21 13:00\n",
    )?;
    let session = Session::start(data_dir.path()).await?;
    session.click_to("sources").await?;
    wait_for(&session.client, "[data-testid=source-add]").await?.click().await?;
    wait_for(&session.client, "[data-testid=source-id]").await?.send_keys("helpdesk").await?;
    wait_for(&session.client, "[data-testid=source-kind]").await?.select_by_value("csv").await?;
    wait_for(&session.client, "[data-testid=source-vendor]").await?.select_by_value("internal").await?;
    wait_for(&session.client, "[data-testid=source-path]").await?.send_keys(&csv.display().to_string()).await?;
    wait_for(&session.client, "[data-testid=source-record]").await?.select_by_value("tickets").await?;
    session.screenshot("sources-form.png").await?;
    wait_for(&session.client, "[data-testid=source-save]").await?.click().await?;
    let row = wait_for(&session.client, "[data-testid=source-row][data-source=helpdesk]").await?;
    row.find(Locator::Css("[data-testid=source-sync]")).await?.click().await?;
    wait_for(&session.client, "[data-testid=sync-progress][data-source=helpdesk][data-phase=done]").await?;
    let result = wait_for(&session.client, "[data-testid=sync-result][data-source=helpdesk]").await?;
    assert_eq!(result.attr("data-ok").await?.as_deref(), Some("true"), "{}", result.text().await?);
    session.screenshot("sources.png").await?;
    let config = std::fs::read_to_string(data_dir.path().join("sightline.toml"))?;
    assert!(config.contains("id = \"helpdesk\""), "the source is in sightline.toml:\n{config}");
    // The CLI reads the cache while the app has it open.
    let records = || -> anyhow::Result<Value> {
        let check = Command::new(binary("sightline-cli"))
            .args(["check", "--json"])
            .env("SIGHTLINE_DATA_DIR", data_dir.path())
            .env("SIGHTLINE_PASSPHRASE", PASSPHRASE)
            .env("SIGHTLINE_NOW", NOW)
            .output()?;
        let check: Value = serde_json::from_slice(&check.stdout)?;
        Ok(check["records"].clone())
    };
    assert_eq!(records()?, 3, "the three tickets are in the cache");

    // A header-only export (what a failed export looks like) is held, and
    // applied only when the user says so.
    std::fs::write(&csv, "id,created_at,priority,first_response_at,resolved_at\n")?;
    let row = wait_for(&session.client, "[data-testid=source-row][data-source=helpdesk]").await?;
    row.find(Locator::Css("[data-testid=source-sync]")).await?.click().await?;
    let held = wait_for(&session.client, "[data-testid=held-source][data-source=helpdesk]").await?;
    // The time shown is the last sync that worked, and says so.
    wait_for_text(&session.client, "[data-testid=source-row][data-source=helpdesk] .facts", "Last successful sync")
        .await?;
    held.find(Locator::Css("[data-testid=shrink-ask]")).await?.click().await?;
    session.screenshot("sources-held.png").await?;
    wait_for(&session.client, "[data-testid=shrink-cancel]").await?.click().await?;
    assert_eq!(records()?, 3, "a held read replaces nothing");
    wait_for(&session.client, "[data-testid=shrink-ask]").await?.click().await?;
    wait_for(&session.client, "[data-testid=shrink-confirm]").await?.click().await?;
    wait_for(&session.client, "[data-testid=sync-result][data-source=helpdesk][data-ok=true]").await?;
    assert_eq!(records()?, 0, "applied once confirmed");
    session.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_contract_is_edited_on_the_vendor_page_and_a_mistake_changes_nothing() -> anyhow::Result<()> {
    let data_dir = tempfile::tempdir()?;
    let config_path = data_dir.path().join("sightline.toml");
    std::fs::write(
        &config_path,
        "company = \"Northwind Harbour Ltd\"\ntimezone = \"Europe/London\"\n\n# Our MSP.\n[[vendor]]\nid = \"northwind\"\nname = \"Northwind IT\"\nkind = \"msp\"\nmonthly_cost = 18400\n",
    )?;
    let session = Session::start(data_dir.path()).await?;
    session.client.execute("window.location.hash = '#vendors/northwind'", Vec::new()).await?;
    wait_for(&session.client, "[data-testid=vendor-page][data-ready=true][data-vendor='northwind']").await?;
    wait_for(&session.client, "[data-testid=contract-edit]").await?.click().await?;
    wait_for(&session.client, "[data-testid=contract-form]").await?;

    // A mistyped day is refused in words, and the file is left as it was.
    let before = std::fs::read(&config_path)?;
    let hours = wait_for(&session.client, "[data-testid=contract-hours-input]").await?;
    hours.send_keys("Mon-Fry 08:00-18:00").await?;
    wait_for(&session.client, "[data-testid=contract-save]").await?.click().await?;
    let problem = wait_for(&session.client, "[data-testid=contract-error]").await?.text().await?;
    assert!(problem.contains("'Fry' is not a day"), "{problem}");
    assert_eq!(std::fs::read(&config_path)?, before, "a refused change leaves sightline.toml as it was");

    hours.clear().await?;
    hours.send_keys("Mon-Fri 08:00-18:00").await?;
    wait_for(&session.client, "[data-testid=contract-holidays]").await?.send_keys("2026-12-25").await?;
    session.screenshot("vendor-contract-form.png").await?;
    wait_for(&session.client, "[data-testid=contract-save]").await?.click().await?;
    wait_for(&session.client, "[data-testid=contract-saved]").await?;
    let shown = wait_for(&session.client, "[data-testid=contract-hours]").await?.text().await?;
    assert_eq!(shown, "Business hours: Mon-Fri 08:00-18:00 (Europe/London); holidays 25 December 2026.");
    session.screenshot("vendor-contract-saved.png").await?;
    session.close().await?;

    let config = std::fs::read_to_string(&config_path)?;
    assert!(config.contains("# Our MSP."), "comments are kept:\n{config}");
    assert!(config.contains("hours = \"Mon-Fri 08:00-18:00\""), "{config}");
    assert!(config.contains("holidays = [\"2026-12-25\"]"), "{config}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_change_a_target_and_the_window_locks_and_unlocks() -> anyhow::Result<()> {
    let data_dir = tempfile::tempdir()?;
    let session = Session::start(data_dir.path()).await?;
    session.key_to("settings").await?;
    let patch = wait_for(&session.client, "[data-testid=threshold][data-key=patch_target_pct]").await?;
    patch.clear().await?;
    patch.send_keys("90").await?;
    wait_for(&session.client, "[data-testid=settings-save]").await?.click().await?;
    wait_for(&session.client, "[data-testid=settings-saved]").await?;
    session.screenshot("settings.png").await?;
    let rows = cli_json_args(data_dir.path(), &["kpis", "--vendor", "all"])?;
    let row = rows.iter().find(|row| row["metric"] == "patch_compliance_pct").context("no patch figure")?;
    assert_eq!(row["target"], 90.0, "the new target is used for the figures");

    // Lock now: the data is hidden until the passphrase is given.
    wait_for(&session.client, "[data-testid=lock-now]").await?.click().await?;
    wait_for(&session.client, "[data-testid=lock-screen]").await?;
    assert!(session.client.find(Locator::Css("[data-testid=settings]")).await.is_err(), "the screen is hidden");
    session.screenshot("locked.png").await?;
    let field = wait_for(&session.client, "[data-testid=unlock-passphrase]").await?;
    field.send_keys("wrong passphrase\u{E007}").await?;
    wait_for(&session.client, "[data-testid=unlock-error]").await?;
    let field = wait_for(&session.client, "[data-testid=unlock-passphrase]").await?;
    field.clear().await?;
    field.send_keys(&format!("{PASSPHRASE}\u{E007}")).await?;
    session.ready("settings").await?;
    session.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_back_up_to_a_file_and_restore_it_after_asking() -> anyhow::Result<()> {
    let data_dir = tempfile::tempdir()?;
    let session = Session::start(data_dir.path()).await?;
    session.key_to("settings").await?;
    let status = wait_for(&session.client, "[data-testid=backup-status]").await?;
    assert_eq!(status.attr("data-due").await?.as_deref(), Some("true"));
    assert!(status.text().await?.contains("Never backed up"));

    // Two different passphrases: nothing is written.
    wait_for(&session.client, "[data-testid=backup-passphrase]").await?.send_keys("harbor-lights-9").await?;
    wait_for(&session.client, "[data-testid=backup-repeat]").await?.send_keys("harbor-lights-8").await?;
    wait_for(&session.client, "[data-testid=backup-now]").await?.click().await?;
    let problem = wait_for(&session.client, "[data-testid=backup-error]").await?.text().await?;
    assert_eq!(problem, "The two passphrases differ: type the same one twice.");
    let repeat = wait_for(&session.client, "[data-testid=backup-repeat]").await?;
    repeat.clear().await?;
    repeat.send_keys("harbor-lights-9").await?;
    wait_for(&session.client, "[data-testid=backup-now]").await?.click().await?;
    let done = wait_for(&session.client, "[data-testid=backup-done]").await?.text().await?;
    let file = saved_reports_dir(data_dir.path()).join("Sightline backup.sightline-backup");
    assert!(done.contains(&format!("Backed up to {} (", file.display())), "{done}");
    assert!(file.metadata()?.len() > 100_000, "the backup holds the cache");
    let status = wait_for(&session.client, "[data-testid=backup-status][data-due=false]").await?.text().await?;
    assert_eq!(status, "Last backed up on 22 November 2026 (today).");

    // Restoring asks first; the answer "keep" changes nothing.
    wait_for(&session.client, "[data-testid=restore-passphrase]").await?.send_keys("harbor-lights-9").await?;
    wait_for(&session.client, "[data-testid=restore-start]").await?.click().await?;
    wait_for(&session.client, "[data-testid=restore-cancel]").await?.click().await?;
    wait_for(&session.client, "[data-testid=restore-start]").await?.click().await?;
    session.screenshot("settings-backups.png").await?;
    wait_for(&session.client, "[data-testid=restore-confirm]").await?.click().await?;
    let restored = wait_for(&session.client, "[data-testid=backup-done]").await?;
    let text = restored.text().await?;
    assert!(
        text.contains(&format!("Restored \"Harbor & Finch Logistics\" from {}: 18058 records", file.display())),
        "{text}"
    );
    assert!(text.contains("What was here before is kept in "), "{text}");
    assert_eq!(std::fs::read_dir(data_dir.path().join("backups"))?.count(), 1, "an automatic backup first");
    session.close().await
}

/// Text on the screen that does not reach WCAG AA contrast against what it
/// is drawn on: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold).
const CONTRAST_FAILURES: &str = r#"
const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
const parse = (text) => (text.match(/[\d.]+/g) || []).map(Number);
const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
const background = (element) => {
  for (let e = element; e; e = e.parentElement) {
    const [r, g, b, a = 1] = parse(getComputedStyle(e).backgroundColor);
    if (a > 0.5) return [r, g, b];
  }
  return parse(getComputedStyle(document.body).backgroundColor);
};
const failures = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const element = node.parentElement;
  if (!node.textContent.trim() || !element || !element.checkVisibility()) continue;
  const style = getComputedStyle(element);
  const [r, g, b, a = 1] = parse(style.color);
  if (a < 0.5) continue;
  const back = background(element);
  const [hi, lo] = [luminance([r, g, b]), luminance(back)].sort((x, y) => y - x);
  const ratio = (hi + 0.05) / (lo + 0.05);
  const size = parseFloat(style.fontSize);
  const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
  if (ratio < (large ? 3 : 4.5)) failures.push(`${ratio.toFixed(2)}:1 "${node.textContent.trim().slice(0, 40)}"`);
}
return failures;
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_reads_at_aa_contrast_in_the_light_and_dark_themes() -> anyhow::Result<()> {
    let data_dir = tempfile::tempdir()?;
    for (theme, gtk) in [("light", "Adwaita"), ("dark", "Adwaita:dark")] {
        let session = Session::start_with(data_dir.path(), &[("GTK_THEME", gtk)]).await?;
        let dark = session.client.execute("return matchMedia('(prefers-color-scheme: dark)').matches;", vec![]).await?;
        assert_eq!(dark.as_bool(), Some(theme == "dark"), "the window follows the system's {theme} theme");
        for screen in ["overview", "trends", "vendors", "claims", "risks", "reports", "sources", "settings"] {
            if screen == "overview" {
                session.client.execute("document.querySelector('[data-testid=nav-overview]').click();", vec![]).await?;
                wait_for(&session.client, "[data-testid=overview]").await?;
            } else {
                session.click_to(screen).await?;
            }
            let failures = session.client.execute(CONTRAST_FAILURES, vec![]).await?;
            let failures: Vec<String> = serde_json::from_value(failures)?;
            assert!(failures.is_empty(), "{screen} in the {theme} theme: {failures:#?}");
            if theme == "dark" {
                session.screenshot(&format!("{screen}-dark.png")).await?;
            }
        }
        session.close().await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_opens_at_the_size_it_was_left() -> anyhow::Result<()> {
    let data_dir = tempfile::tempdir()?;
    let session = Session::start(data_dir.path()).await?;
    session.client.set_window_size(1100, 740).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let left = session.client.get_window_size().await?;
    session.close().await?;
    let session = Session::start(data_dir.path()).await?;
    let opened = session.client.get_window_size().await?;
    session.close().await?;
    assert_eq!(opened, left, "the window opens as it was left");
    Ok(())
}
