//! The use cases behind the desktop's screens, on the demo company in a
//! real encrypted cache: the scorecard, a vendor's page, trends and the
//! records behind a figure, editing sources, settings and unlocking.

use sightline_api::{
    BackupStatus, Clock, ContractInput, DrilldownQuery, ErrorCode, KpiQuery, MetricStatus, Secret, SettingsInput,
    Sightline, SlaTargetInput, SourceInput, ThresholdValue, TrendQuery, Unlock, VendorInput,
};

const NOW: &str = "2026-11-22T08:00:00Z";

fn open(dir: &std::path::Path, passphrase: &str) -> Result<Sightline, sightline_api::ApiError> {
    let unlock = Unlock { passphrase: Some(Secret::new(passphrase)) };
    Sightline::open_with(dir, unlock, Clock::Fixed(NOW.parse().unwrap()))
}

fn demo() -> (tempfile::TempDir, Sightline) {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path(), "screens").unwrap();
    app.ensure_demo().unwrap();
    (dir, app)
}

#[test]
fn the_scorecard_ranks_every_vendor_on_the_same_figures_as_kpis() {
    let (_dir, app) = demo();
    let card = app.scorecard(Some("2026-10")).unwrap();
    assert_eq!(card.period_label, "October 2026");
    assert_eq!(card.columns.len(), 9);
    assert_eq!(card.columns[0].name, "Answered on time");
    let vendors = app.vendor_choices().unwrap();
    assert_eq!(card.rows.len(), vendors.len() - 1, "every vendor, not 'all'");
    let ranks: Vec<u32> = card.rows.iter().map(|row| row.rank).collect();
    assert_eq!(ranks, (1..=card.rows.len() as u32).collect::<Vec<_>>());
    assert!(card.comparison_svg.starts_with("<svg"));
    for row in &card.rows {
        assert!(row.summary.starts_with(&format!("{}: ", row.name)), "{}", row.summary);
        let kpis = app.kpis(&KpiQuery { vendor: Some(row.vendor.clone()), period: Some("2026-10".into()) }).unwrap();
        let cell = &row.cells[0];
        let kpi = kpis.iter().find(|kpi| kpi.metric == cell.metric).unwrap();
        assert_eq!(cell.status, kpi.status, "{} {}", row.vendor, cell.metric);
        match kpi.value {
            Some(value) => assert_eq!(cell.value_text, format!("{value:.1}%")),
            None => assert_eq!(cell.value_text, "—"),
        }
    }
    // A vendor's page agrees with the scorecard.
    let first = &card.rows[0];
    let page = app.vendor_page(&first.vendor, Some("2026-10")).unwrap();
    assert_eq!(page.rank, 1);
    assert_eq!(page.summary, first.summary);
    assert!(page.trend_svg.starts_with("<svg"));
    assert!(page.metrics.iter().all(|kpi| kpi.vendor == first.vendor && kpi.value.is_some()));
    assert!(page.risks.iter().all(|risk| risk.vendor.as_deref() == Some(first.vendor.as_str())));
    assert!(page.review_text.contains("review"), "{}", page.review_text);
    assert!(app.vendor_page("nobody", None).unwrap_err().message.contains("'nobody'"));
    // The demo company's contract is shown as stored, and cannot be changed.
    assert!(!page.contract_editable);
    assert_eq!(page.contract.sla.len(), page.targets.len());
    let refused = app.save_contract(&first.vendor, &page.contract).unwrap_err();
    assert!(refused.message.contains("set up your company first"), "{}", refused.message);
}

#[test]
fn a_trend_has_twelve_months_or_eight_quarters_with_the_figures_kpis_gives() {
    let (_dir, app) = demo();
    let vendor = app.vendor_choices().unwrap()[1].id.clone();
    let query = TrendQuery {
        metric: Some("sla_response_compliance_pct".into()),
        vendor: Some(vendor.clone()),
        granularity: None,
    };
    let view = app.trend(&query).unwrap();
    assert_eq!(view.periods.len(), 12);
    assert_eq!(view.periods.last().unwrap().period, "2026-11");
    assert_eq!(view.periods[0].period, "2025-12");
    assert_eq!(view.metric.area, "Service levels");
    assert!(view.svg.starts_with("<svg"));
    assert_eq!(view.vendors[0].id, "all");
    for period in &view.periods {
        let kpis = app.kpis(&KpiQuery { vendor: Some(vendor.clone()), period: Some(period.period.clone()) }).unwrap();
        let kpi = kpis.iter().find(|kpi| kpi.metric == "sla_response_compliance_pct").unwrap();
        assert_eq!(period.value, kpi.value, "{}", period.period);
        assert_eq!(period.records, kpi.records);
    }
    let quarters = app.trend(&TrendQuery { granularity: Some("quarter".into()), ..query }).unwrap();
    assert_eq!(quarters.periods.len(), 8);
    assert_eq!(quarters.periods.last().unwrap().period, "2026-Q4");
    let wrong = app.trend(&TrendQuery { metric: Some("speed".into()), ..TrendQuery::default() }).unwrap_err();
    assert!(wrong.message.contains("'speed'"));
}

#[test]
fn the_records_behind_a_figure_add_up_to_it() {
    let (_dir, app) = demo();
    let kpis = app.kpis(&KpiQuery { vendor: Some("all".into()), period: Some("2026-10".into()) }).unwrap();
    for metric in ["sla_response_compliance_pct", "patch_compliance_pct", "backup_success_pct"] {
        let kpi = kpis.iter().find(|kpi| kpi.metric == metric).unwrap();
        let value = kpi.value.unwrap();
        let drill = app
            .drilldown(&DrilldownQuery { metric: metric.into(), vendor: Some("all".into()), period: "2026-10".into() })
            .unwrap();
        assert_eq!(drill.total - drill.left_out, kpi.records, "{metric}");
        let skipped: u32 = kpi.skipped_reasons.iter().map(|reason| reason.count).sum();
        assert_eq!(drill.left_out, skipped, "{metric}: every record left out is listed with its reason");
        assert!(drill.total > 0, "{metric}");
        assert_eq!(drill.rows.len(), (drill.total as usize).min(500));
        let judged: Vec<bool> = drill.rows.iter().filter_map(|row| row.met).collect();
        if drill.total <= 500 {
            let met = judged.iter().filter(|met| **met).count() as f64;
            let share = met * 100.0 / judged.len() as f64;
            assert!((share - value).abs() < 1e-9, "{metric}: {share} from the records, {value} as the figure");
        }
        // Misses come first.
        if let Some(first_met) = drill.rows.iter().position(|row| row.met == Some(true)) {
            assert!(drill.rows[first_met..].iter().all(|row| row.met != Some(false)), "{metric}");
        }
        assert_eq!(drill.columns.len(), drill.rows[0].cells.len(), "{metric}");
        assert!(drill.title.contains("October 2026"), "{}", drill.title);
    }
}

#[test]
fn sources_and_vendors_are_edited_in_the_configuration_file_and_tested_without_keeping_data() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path(), "sources").unwrap();
    app.ensure_demo().unwrap();
    let view = app.sources_view().unwrap();
    assert!(!view.configured && view.demo);
    assert!(!view.sources.is_empty(), "the demo's sources are shown");
    let refused = app.save_vendor(&VendorInput::default()).unwrap_err();
    assert!(refused.message.contains("set up your company first"), "{}", refused.message);

    app.set_up_company("Harbour Freight Co", "Europe/London").unwrap();
    let view = app.sources_view().unwrap();
    assert!(view.configured && !view.demo);
    assert_eq!(view.company, "Harbour Freight Co");
    assert!(view.sources.is_empty() && view.vendors.is_empty());

    let config = dir.path().join("sightline.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("# Kept by hand: do not lose this comment\n{text}")).unwrap();
    app.save_vendor(&VendorInput {
        id: "internal".into(),
        name: "Internal IT".into(),
        kind: "internal".into(),
        monthly_cost: Some(1200.0),
        last_review: Some("2026-09-01".into()),
    })
    .unwrap();
    std::fs::write(dir.path().join("tickets.csv"), "id,created_at\nT1,2026-11-20 09:00\nT2,2026-11-21 10:00\n")
        .unwrap();
    let source = SourceInput {
        id: "helpdesk".into(),
        kind: "csv".into(),
        vendor: "internal".into(),
        name: Some("Help desk export".into()),
        settings: [("path".to_string(), "tickets.csv".to_string()), ("record".to_string(), "tickets".to_string())]
            .into(),
    };
    app.save_source(&source).unwrap();
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("# Kept by hand: do not lose this comment"), "{text}");
    assert!(text.contains("id = \"helpdesk\""), "{text}");

    let view = app.sources_view().unwrap();
    assert_eq!(view.vendors[0].last_review.as_deref(), Some("2026-09-01"));
    let row = &view.sources[0];
    // Paths are shown as the file they resolve to.
    let shown = dir.path().join("tickets.csv").display().to_string();
    let mut settings = source.settings.clone();
    settings.insert("path".into(), shown);
    assert_eq!(row.settings, SourceInput { settings, ..source.clone() });
    assert_eq!(row.vendor_name, "Internal IT");
    assert_eq!(row.last_sync_text, "never synced");
    assert!(row.secret_form.is_none() && !row.has_secret);

    let test = app.test_connection("helpdesk").unwrap();
    assert!(test.ok, "{}", test.message);
    assert!(test.message.contains("2 records"), "{}", test.message);
    assert_eq!(app.check(false).unwrap().records, 0, "a test keeps nothing");

    // A source for a vendor that does not exist is refused and the file is unchanged.
    let before = std::fs::read_to_string(&config).unwrap();
    let wrong = app.save_source(&SourceInput { id: "other".into(), vendor: "ghost".into(), ..source.clone() });
    assert!(wrong.unwrap_err().message.contains("ghost"));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), before);

    let in_use = app.remove_vendor("internal").unwrap_err();
    assert!(in_use.message.contains("helpdesk"), "{}", in_use.message);
    app.remove_source("helpdesk").unwrap();
    app.remove_vendor("internal").unwrap();
    assert!(app.sources_view().unwrap().sources.is_empty());
}

#[test]
fn a_contract_is_saved_into_the_configuration_file_and_the_page_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path(), "contract").unwrap();
    app.set_up_company("Harbour Freight Co", "Europe/London").unwrap();
    app.save_vendor(&VendorInput {
        id: "quayside".into(),
        name: "Quayside IT".into(),
        kind: "msp".into(),
        monthly_cost: Some(4200.0),
        last_review: None,
    })
    .unwrap();
    let page = app.vendor_page("quayside", None).unwrap();
    assert!(page.contract_editable);
    assert_eq!(page.contract, ContractInput::default());

    let config = dir.path().join("sightline.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("# Kept by hand: do not lose this comment\n{text}")).unwrap();
    let contract = ContractInput {
        compliance_target_pct: Some(90.0),
        hours: "Mon-Fri 08:00-18:00".into(),
        holidays: vec!["2026-12-25".into()],
        sla: vec![
            SlaTargetInput {
                priority: "P1".into(),
                respond_minutes: Some(30),
                resolve_minutes: Some(240),
                clock: "24x7".into(),
                effective_from: String::new(),
            },
            SlaTargetInput {
                priority: "P3".into(),
                respond_minutes: Some(240),
                resolve_minutes: None,
                clock: String::new(),
                effective_from: "2026-07-01".into(),
            },
        ],
        credit_percent_per_point: Some(1.5),
        credit_cap_percent: Some(15.0),
    };
    app.save_contract("quayside", &contract).unwrap();
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.starts_with("# Kept by hand: do not lose this comment\n"), "{text}");
    assert!(text.contains("hours = \"Mon-Fri 08:00-18:00\"\nholidays = [\"2026-12-25\"]\n"), "{text}");

    let page = app.vendor_page("quayside", None).unwrap();
    assert_eq!(page.contract, contract);
    assert_eq!(page.hours_text, "Business hours: Mon-Fri 08:00-18:00 (Europe/London); holidays 25 December 2026.");
    assert_eq!(page.compliance_target_text, "90.0% of requests must meet these times.");
    assert!(page.credits_text.starts_with("Service credits: 1.5% of the monthly cost"), "{}", page.credits_text);
    let clocks: Vec<(&str, &str)> =
        page.targets.iter().map(|row| (row.priority.as_str(), row.clock_text.as_str())).collect();
    assert_eq!(clocks, [("P1", "round the clock"), ("P3", "in business hours")]);

    // A mistake is refused in plain words and the file is left as it was.
    let before = std::fs::read(&config).unwrap();
    let bad_day = ContractInput { holidays: vec!["2026-13-01".into()], ..contract.clone() };
    let refused = app.save_contract("quayside", &bad_day).unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidInput);
    assert_eq!(refused.message, "'2026-13-01' is not a date: write holidays as 2026-12-25");
    let bad_hours = ContractInput { hours: "Mon-Fri 08:00-25:00".into(), ..contract.clone() };
    assert_eq!(app.save_contract("quayside", &bad_hours).unwrap_err().message, "'25:00' is not a time such as 08:00");
    let mut no_hours = ContractInput { hours: String::new(), holidays: Vec::new(), ..contract.clone() };
    no_hours.sla[1].clock = "business".into();
    let refused = app.save_contract("quayside", &no_hours).unwrap_err();
    assert!(refused.message.starts_with("the P3 target runs in business hours"), "{}", refused.message);
    let half_credits = ContractInput { credit_cap_percent: None, ..contract.clone() };
    assert!(app.save_contract("quayside", &half_credits).unwrap_err().message.contains("both"));
    assert_eq!(std::fs::read(&config).unwrap(), before);
    assert_eq!(app.vendor_page("quayside", None).unwrap().contract, contract);
    assert_eq!(app.save_contract("ghost", &contract).unwrap_err().code, ErrorCode::NotFound);

    // Emptied, the contract's keys leave the file.
    app.save_contract("quayside", &ContractInput::default()).unwrap();
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(!text.contains("hours") && !text.contains("[[vendor.sla]]") && !text.contains("credits"), "{text}");
    let page = app.vendor_page("quayside", None).unwrap();
    assert_eq!(page.hours_text, "Business hours: none set, so every target runs round the clock.");
    assert!(page.targets.is_empty());
}

/// A changed target applies to every stored figure, not only to the
/// period under way: a past month's status is judged against it too.
#[test]
fn a_changed_target_judges_past_months_too() {
    let (_dir, app) = demo();
    let july = |app: &Sightline| {
        let query = KpiQuery { vendor: Some("all".into()), period: Some("2026-07".into()) };
        let rows = app.kpis(&query).unwrap();
        rows.into_iter().find(|row| row.metric == "patch_compliance_pct").unwrap()
    };
    assert_eq!(july(&app).target, Some(95.0));
    let mut input = SettingsInput {
        timezone: app.settings_view().unwrap().timezone,
        paper: "a4".into(),
        lock_minutes: 15,
        thresholds: vec![ThresholdValue { key: "patch_target_pct".into(), value: 60.0 }],
        backup_reminder_days: None,
        required_evidence: None,
    };
    app.save_settings(&input).unwrap();
    let row = july(&app);
    assert_eq!((row.target, row.status), (Some(60.0), MetricStatus::Met));
    input.thresholds[0].value = 95.0;
    app.save_settings(&input).unwrap();
    assert_eq!(july(&app).target, Some(95.0));
}

#[test]
fn settings_change_targets_and_are_kept_and_checked() {
    let (dir, app) = demo();
    let view = app.settings_view().unwrap();
    assert_eq!(view.paper, "a4");
    assert_eq!(view.lock_minutes, 15);
    let patch = view.thresholds.iter().find(|row| row.key == "patch_target_pct").unwrap();
    assert_eq!((patch.value, patch.default), (95.0, 95.0));

    let input = SettingsInput {
        timezone: "Europe/London".into(),
        paper: "us-letter".into(),
        lock_minutes: 5,
        thresholds: vec![
            ThresholdValue { key: "patch_target_pct".into(), value: 90.0 },
            ThresholdValue { key: "patch_grace_days".into(), value: 21.0 },
        ],
        backup_reminder_days: Some(14),
        required_evidence: Some(vec!["soc2".into(), "restore-test".into()]),
    };
    let saved = app.save_settings(&input).unwrap();
    assert_eq!(saved.backup_reminder_days, 14);
    assert_eq!(saved.required_evidence, vec!["soc2".to_string(), "restore_test".to_string()]);
    // Definitions follow the settings in force, on screen and in reports.
    let trend = app
        .trend(&TrendQuery { metric: Some("patch_compliance_pct".into()), vendor: None, granularity: None })
        .unwrap();
    assert_eq!(
        trend.metric.explanation,
        "Managed computers with no critical or security update missing for more than 21 days."
    );
    let snapshot = app.report_snapshot_of("2026-Q3").unwrap();
    let definition = snapshot.definitions.iter().find(|d| d.name == trend.metric.name).unwrap();
    assert_eq!(definition.meaning, trend.metric.explanation);
    // Required now: a restore test record from every outside vendor; the
    // demo has none on file, so each is flagged.
    let missing: Vec<String> = app
        .risks(false)
        .unwrap()
        .into_iter()
        .filter(|risk| risk.id.starts_with("evidence_on_file:") && risk.id.ends_with(":restore_test"))
        .map(|risk| risk.headline)
        .collect();
    assert_eq!(
        missing,
        vec![
            "No restore test record from Bluepeak IT Services is on file",
            "No restore test record from Sentinel Forge Security is on file",
            "No restore test record from Stratus Cloud Hosting is on file",
        ]
    );
    assert_eq!(
        saved.backup,
        BackupStatus {
            text: "Never backed up: a backup is the only way to bring back your notes, contract settings and report \
                   archive on a new computer."
                .into(),
            due: true,
            automatic: 0,
        }
    );
    assert_eq!(saved.paper, "us-letter");
    assert_eq!(saved.timezone, "Europe/London");
    let kpis = app.kpis(&KpiQuery { vendor: Some("all".into()), period: Some("2026-10".into()) }).unwrap();
    let patch = kpis.iter().find(|kpi| kpi.metric == "patch_compliance_pct").unwrap();
    assert_eq!(patch.target, Some(90.0), "the figures were recomputed with the new target");
    assert_ne!(patch.status, MetricStatus::NoTarget);
    drop(app);

    let again = open(dir.path(), "screens").unwrap();
    let view = again.settings_view().unwrap();
    assert_eq!(view.lock_minutes, 5);
    assert_eq!(view.thresholds.iter().find(|row| row.key == "patch_target_pct").unwrap().value, 90.0);
    assert_eq!(again.lock_info().unwrap().idle_minutes, 5);

    let bad = SettingsInput {
        thresholds: vec![ThresholdValue { key: "patch_target_pct".into(), value: 120.0 }],
        ..input.clone()
    };
    assert!(again.save_settings(&bad).unwrap_err().message.contains("between 0 and 100"));
    let zone = SettingsInput { timezone: "Mars/Olympus".into(), ..input };
    assert!(again.save_settings(&zone).unwrap_err().message.contains("'Mars/Olympus' is not a time zone"));
}

#[test]
fn unlocking_asks_for_the_passphrase_that_opens_the_cache() {
    let (_dir, app) = demo();
    assert!(app.lock_info().unwrap().needs_passphrase);
    assert!(app.unlock(None).is_err());
    let wrong = app.unlock(Some("not it".into())).unwrap_err();
    assert!(wrong.message.contains("does not open"), "{}", wrong.message);
    app.unlock(Some("screens".into())).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_connection_reaches_a_provider_with_the_stored_credentials_and_keeps_nothing() {
    use sightline_test_support::connectwise::{self, FakeConnectWise};
    let now: chrono::DateTime<chrono::Utc> = NOW.parse().unwrap();
    let psa = FakeConnectWise::start(connectwise::tickets(30, now, chrono::Duration::hours(2))).await;
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path(), "connection").unwrap();
    app.set_up_company("Harbour Freight Co", "UTC").unwrap();
    app.save_vendor(&VendorInput {
        id: "msp".into(),
        name: "Quayside IT".into(),
        kind: "msp".into(),
        ..VendorInput::default()
    })
    .unwrap();
    app.save_source(&SourceInput {
        id: "psa".into(),
        kind: "connectwise".into(),
        vendor: "msp".into(),
        name: None,
        settings: [
            ("base_url".to_string(), psa.base_url()),
            ("company_id".to_string(), connectwise::COMPANY_ID.to_string()),
            ("client_id".to_string(), connectwise::CLIENT_ID.to_string()),
        ]
        .into(),
    })
    .unwrap();

    let missing = app.test_connection("psa").unwrap();
    assert!(!missing.ok);
    assert!(missing.message.contains("No credentials are stored for psa"), "{}", missing.message);

    app.set_secret("psa", Secret::new(format!("{}:wrong-key", connectwise::PUBLIC_KEY))).unwrap();
    let refused = app.test_connection("psa").unwrap();
    assert!(!refused.ok);
    assert!(!refused.message.contains("wrong-key"), "the secret is never echoed: {}", refused.message);

    app.set_secret("psa", Secret::new(format!("{}:{}", connectwise::PUBLIC_KEY, connectwise::PRIVATE_KEY))).unwrap();
    let view = app.sources_view().unwrap();
    assert!(view.sources[0].has_secret);
    let connected = app.test_connection("psa").unwrap();
    assert!(connected.ok, "{}", connected.message);
    // Tickets every two hours back from now: the last day, both ends in, holds thirteen.
    assert!(connected.message.contains("13 records from the last day"), "{}", connected.message);
    assert_eq!(app.check(false).unwrap().records, 0, "a test keeps nothing");
}

#[test]
fn settings_back_up_to_a_chosen_file_and_restore_from_one() {
    let (dir, app) = demo();
    let short =
        app.backup_to_chosen(&Secret::new("short"), || panic!("no dialog for a refused passphrase")).unwrap_err();
    assert_eq!(
        short.message,
        "a backup passphrase needs at least 8 characters: the file may leave this machine; nothing was written"
    );
    assert_eq!(app.backup_to_chosen(&Secret::new("harbor-lights-9"), || None).unwrap(), None, "cancelled");
    let file = dir.path().join("chosen.sightline-backup");
    let done = app.backup_to_chosen(&Secret::new("harbor-lights-9"), || Some(file.clone())).unwrap().unwrap();
    assert!(done.summary.starts_with(&format!("Backed up to {} (", file.display())), "{}", done.summary);
    let status = app.settings_view().unwrap().backup;
    assert_eq!(status.text, "Last backed up on 22 November 2026 (today).");
    assert!(!status.due);

    let other = tempfile::tempdir().unwrap();
    let fresh = open(other.path(), "another").unwrap();
    let wrong = fresh.restore_chosen(&Secret::new("not-the-one"), || Some(file.clone())).unwrap_err();
    assert!(wrong.message.contains("the passphrase does not match"), "{}", wrong.message);
    let restored = fresh.restore_chosen(&Secret::new("harbor-lights-9"), || Some(file.clone())).unwrap().unwrap();
    assert_eq!(
        restored.summary,
        format!("Restored \"Harbor & Finch Logistics\" from {}: 18058 records and 0 archived reports.", file.display())
    );
    let query = KpiQuery { vendor: Some("all".into()), period: Some("2026-10".into()) };
    assert_eq!(fresh.kpis(&query).unwrap(), app.kpis(&query).unwrap());
}

/// A board report of any finished quarter of the demo's history carries
/// the figures `kpis` gives for that quarter, only flags that were open
/// when it ended (the same flags a Sightline whose clock stood at that end
/// finds), and the same figures when made a month later.
#[test]
fn every_quarterly_report_is_point_in_time() {
    let (dir, app) = demo();
    let quarters = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"];
    let mut compared = 0;
    for quarter in quarters {
        let snapshot = app.report_snapshot_of(quarter).unwrap();
        let kpis = app.kpis(&KpiQuery { vendor: None, period: Some(quarter.into()) }).unwrap();
        assert!(!snapshot.figures.is_empty(), "{quarter} has figures");
        for (vendor, metric, value) in &snapshot.figures {
            let row = kpis.iter().find(|row| &row.vendor == vendor && &row.metric == metric).unwrap();
            assert_eq!(row.value, *value, "{quarter} {vendor} {metric}");
            compared += 1;
        }
        let end = quarter.parse::<sightline_domain::Period>().unwrap().end();
        // A copy of the cache, its clock at the quarter's end.
        let then_dir = tempfile::tempdir().unwrap();
        // The cache is open here, so its write-ahead log goes too.
        for file in ["cache.sightline", "cache.salt", "cache.sightline-wal"] {
            if dir.path().join(file).exists() {
                std::fs::copy(dir.path().join(file), then_dir.path().join(file)).unwrap();
            }
        }
        let unlock = Unlock { passphrase: Some(Secret::new("screens")) };
        let then = Sightline::open_with(then_dir.path(), unlock, Clock::Fixed(end)).unwrap();
        let open_then: Vec<String> = then.risks(false).unwrap().into_iter().map(|risk| risk.id).collect();
        let reported: Vec<String> = snapshot.open_risks.iter().map(|(id, _)| id.clone()).collect();
        assert_eq!(reported, open_then, "the flags of {quarter} are those open at its end");
        for risk in &snapshot.top_risks {
            assert!(risk.first_seen.as_str() <= &end.to_rfc3339()[..10], "{quarter}: {} first seen later", risk.id);
        }
    }
    assert!(compared > 100, "{compared} figures compared");

    // The same quarter, made a month later, after a review and a document
    // dated in November were logged: the same figures, flags, documents
    // and reviews (dated after the quarter, they wait for a later report).
    let before = app.report_snapshot_of("2026-Q3").unwrap();
    app.add_review(&sightline_api::ReviewInput {
        vendor: "stratus".into(),
        reviewed_on: "2026-11-20".into(),
        reviewer: "CFO".into(),
        outcome: "Patching plan agreed".into(),
        next_due: None,
    })
    .unwrap();
    let file = dir.path().join("pentest.pdf");
    std::fs::write(&file, b"Stratus penetration test, November 2026").unwrap();
    app.add_document(
        &sightline_api::DocumentInput {
            vendor: "stratus".into(),
            kind: "pentest".into(),
            title: None,
            issued: "2026-11-15".into(),
            expires: None,
        },
        &file,
    )
    .unwrap();
    // Today, the document clears its flag.
    assert!(!app.risks(false).unwrap().iter().any(|risk| risk.id == "evidence_on_file:stratus:pentest"));
    drop(app);
    let unlock = Unlock { passphrase: Some(Secret::new("screens")) };
    let later =
        Sightline::open_with(dir.path(), unlock, Clock::Fixed("2026-12-22T08:00:00Z".parse().unwrap())).unwrap();
    let after = later.report_snapshot_of("2026-Q3").unwrap();
    assert_eq!(after.figures, before.figures);
    assert_eq!(after.open_risks, before.open_risks);
    assert!(after.open_risks.iter().any(|(id, _)| id == "evidence_on_file:stratus:pentest"));
    assert_eq!(after.documents, before.documents);
    assert_eq!(after.reviews, before.reviews);
    assert_eq!(after.risk_levels, before.risk_levels);
    assert_eq!(after.definitions, before.definitions);
    assert_eq!(after.provenance, before.provenance);
    assert_eq!(after.tiles, before.tiles);
    assert_eq!(after.scorecard, before.scorecard);
}

/// The Overview on the demo: each tile's detail says each thing once (a
/// month was once read twice, and the credit owed said twice), and the
/// security tile carries coverage and identity.
#[test]
fn the_overview_says_each_thing_once_and_shows_coverage_and_identity() {
    let (_dir, app) = demo();
    let overview = app.overview().unwrap();
    let vendors = overview.tiles.iter().find(|tile| tile.title == "Vendors").unwrap();
    assert_eq!(
        vendors.detail.matches("Bluepeak IT Services owes about 981 in service credits for October 2026.").count(),
        1,
        "{}",
        vendors.detail
    );
    let security = overview.tiles.iter().find(|tile| tile.title == "Security hygiene").unwrap();
    for words in ["Computers every security tool sees: 96.2%.", "Administrator accounts without a second factor: 2."] {
        assert!(security.detail.contains(words), "{}", security.detail);
    }
}
