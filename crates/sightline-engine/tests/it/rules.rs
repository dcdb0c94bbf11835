//! The risk rules, each through one `check`: build a small company at a
//! fixed `now`, assess it, and compare the flags (id, severity, headline)
//! with the ones written out here. Each rule is shown firing, not firing
//! just inside its threshold, and (for reconciliation) resolving.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sightline_domain::{
    BackupJob, Certificate, Contract, Device, DeviceRole, DomainPosture, FlagSeverity, FlagState, Patch, PatchClass,
    Provenance, RecordBatch, RestoreTest, RiskFlag, Service, Severity, SlaTarget, SourceInfo, Ticket, Vendor,
    VendorKind, Vulnerability,
};
use sightline_engine::{EngineInput, Settings, assess, reconcile};

const NOW: &str = "2026-11-20T12:00:00Z";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

fn now() -> DateTime<Utc> {
    at(NOW)
}

fn provenance(id: &str) -> Provenance {
    Provenance { source_id: "acme-psa".into(), record_id: id.into(), fetched_at: now() - Duration::hours(1) }
}

/// A small company: one MSP, reviewed recently, with a fresh source.
struct Company {
    vendors: Vec<Vendor>,
    contracts: Vec<Contract>,
    services: Vec<Service>,
    sources: Vec<SourceInfo>,
    records: RecordBatch,
}

impl Company {
    fn new() -> Company {
        Company {
            vendors: vec![Vendor {
                id: "acme".into(),
                name: "Acme IT".into(),
                kind: VendorKind::Msp,
                monthly_cost: None,
                last_review: Some((now() - Duration::days(30)).date_naive()),
            }],
            contracts: vec![Contract {
                vendor_id: "acme".into(),
                sla: vec![SlaTarget {
                    priority: "P3".into(),
                    respond_minutes: Some(240),
                    resolve_minutes: Some(2880),
                    effective_from: None,
                    clock: None,
                }],
                compliance_target_pct: 95.0,
                terms: Default::default(),
            }],
            services: Vec::new(),
            sources: vec![source("acme-psa", Some(now() - Duration::hours(1)))],
            records: RecordBatch::default(),
        }
    }

    fn flags(&self) -> Vec<RiskFlag> {
        let settings = Settings::default();
        let input = EngineInput {
            vendors: &self.vendors,
            contracts: &self.contracts,
            sources: &self.sources,
            records: &self.records,
            settings: &settings,
        };
        assess(input, &self.services, now()).flags
    }
}

fn source(id: &str, last_success_at: Option<DateTime<Utc>>) -> SourceInfo {
    SourceInfo {
        id: id.into(),
        kind: "connectwise".into(),
        vendor_id: "acme".into(),
        name: "Acme PSA".into(),
        last_success_at,
        last_attempt_at: last_success_at,
        last_error: None,
        demo: false,
    }
}

/// Compares the flags of one rule (by id prefix) with `expected`:
/// (id, severity, headline).
fn check(company: &Company, rule: &str, expected: &[(&str, FlagSeverity, &str)]) {
    let flags = company.flags();
    let got: Vec<(&str, FlagSeverity, &str)> = flags
        .iter()
        .filter(|flag| flag.rule == rule)
        .map(|flag| (flag.id.as_str(), flag.severity, flag.headline.as_str()))
        .collect();
    assert_eq!(got, expected, "rule {rule}");
    for flag in &flags {
        assert!(flag.headline.chars().count() <= 120, "headline over 120 characters: {}", flag.headline);
        assert!(!flag.why.is_empty() && !flag.question.is_empty(), "{} lacks why or question", flag.id);
    }
}

/// `count` P3 tickets created in October, the first `late` answered late.
fn october_tickets(count: usize, late: usize) -> Vec<Ticket> {
    (0..count)
        .map(|index| {
            let created_at = at("2026-10-05T09:00:00Z") + Duration::hours(index as i64 * 20);
            let respond = if index < late { 300 } else { 30 };
            Ticket {
                provenance: provenance(&format!("T{index}")),
                vendor_id: "acme".into(),
                summary: "Printer".into(),
                priority: Some("P3".into()),
                created_at,
                first_response_at: Some(created_at + Duration::minutes(respond)),
                resolved_at: Some(created_at + Duration::minutes(600)),
                assignee: None,
                resolved_by: Some(format!("engineer-{}", index % 5)),
                status: "Closed".into(),
                reopened: Some(false),
                vendor_reported_in_sla: None,
                paused_minutes: None,
                excluded_from_sla: false,
            }
        })
        .collect()
}

#[test]
fn sla_below_target() {
    let mut company = Company::new();
    company.records.tickets = october_tickets(20, 0);
    check(&company, "sla_below_target", &[]);
    // 19 of 20 on time is 95%: exactly on target, no flag.
    company.records.tickets = october_tickets(20, 1);
    check(&company, "sla_below_target", &[]);
    company.records.tickets = october_tickets(20, 2);
    check(
        &company,
        "sla_below_target",
        &[(
            "sla_below_target:acme:response",
            FlagSeverity::Amber,
            "Acme IT answered 90.0% of tickets on time in October 2026; the contract promises 95.0%",
        )],
    );
    company.records.tickets = october_tickets(20, 5);
    check(
        &company,
        "sla_below_target",
        &[(
            "sla_below_target:acme:response",
            FlagSeverity::Red,
            "Acme IT answered 75.0% of tickets on time in October 2026; the contract promises 95.0%",
        )],
    );
    // Four tickets are too few to judge a month by.
    company.records.tickets = october_tickets(4, 2);
    check(&company, "sla_below_target", &[]);
}

fn certificate(host: &str, expires_in: Duration) -> Certificate {
    Certificate {
        provenance: provenance(host),
        vendor_id: "acme".into(),
        host: host.into(),
        subject: format!("CN={host}"),
        issuer: "CN=Example CA".into(),
        not_before: now() - Duration::days(300),
        not_after: now() + expires_in,
        trusted: Some(true),
        name_matches: Some(true),
    }
}

#[test]
fn certificates_expiring() {
    let mut company = Company::new();
    company.records.certificates = vec![
        certificate("a.example", Duration::days(31)),
        certificate("b.example", Duration::days(30) + Duration::hours(1)),
        certificate("c.example", Duration::days(7) + Duration::hours(1)),
        certificate("d.example", -Duration::days(2)),
    ];
    check(
        &company,
        "certificate_expiring",
        &[
            (
                "certificate_expiring:c.example",
                FlagSeverity::Red,
                "The certificate for c.example expires in 7 days (27 November)",
            ),
            (
                "certificate_expiring:b.example",
                FlagSeverity::Amber,
                "The certificate for b.example expires in 30 days (20 December)",
            ),
        ],
    );
}

/// What a browser would show, each its own flag: an expired certificate,
/// one from an authority browsers do not trust, one for another name.
#[test]
fn certificates_expired_untrusted_or_for_another_name() {
    let mut company = Company::new();
    let mut untrusted = certificate("intranet.example", Duration::days(200));
    untrusted.trusted = Some(false);
    untrusted.issuer = "CN=Acme Internal CA".into();
    let mut wrong = certificate("shop.example", Duration::days(200));
    wrong.name_matches = Some(false);
    wrong.subject = "CN=www.example".into();
    let mut unknown = certificate("unchecked.example", Duration::days(200));
    (unknown.trusted, unknown.name_matches) = (None, None);
    company.records.certificates = vec![certificate("d.example", -Duration::days(2)), untrusted, wrong, unknown];
    check(
        &company,
        "certificate_expired",
        &[(
            "certificate_expired:d.example",
            FlagSeverity::Red,
            "The certificate for d.example expired 2 days ago: browsers warn visitors away",
        )],
    );
    check(&company, "certificate_expiring", &[]);
    check(
        &company,
        "certificate_untrusted",
        &[(
            "certificate_untrusted:intranet.example",
            FlagSeverity::Red,
            "Browsers warn visitors away from intranet.example: its certificate's issuer is not trusted",
        )],
    );
    let flags = company.flags();
    let untrusted = flags.iter().find(|flag| flag.rule == "certificate_untrusted").unwrap();
    assert_eq!(
        untrusted.question,
        "When will Acme IT replace the certificate on intranet.example, issued by CN=Acme Internal CA, with one from \
         an authority browsers trust?"
    );
    check(
        &company,
        "certificate_wrong_name",
        &[(
            "certificate_wrong_name:shop.example",
            FlagSeverity::Red,
            "Browsers warn visitors away from shop.example: its certificate is for another name",
        )],
    );
}

fn domain(name: &str, spf: &[&str], dmarc: &[&str], expires_in: Option<Duration>) -> DomainPosture {
    DomainPosture {
        provenance: provenance(name),
        vendor_id: "acme".into(),
        domain: name.into(),
        spf: spf.iter().map(|text| text.to_string()).collect(),
        dmarc: dmarc.iter().map(|text| text.to_string()).collect(),
        mail_servers: vec!["mail.example".into()],
        expires_at: expires_in.map(|left| now() + left),
        registrar: Some("Example Registrar, Inc.".into()),
    }
}

/// Who may send e-mail as each domain, as DNS publishes it: a DMARC
/// policy of none or none at all lets anyone; `+all` vouches for anyone.
#[test]
fn domains_anyone_can_send_as_and_registrations_running_out() {
    let mut company = Company::new();
    let spf = "v=spf1 include:_spf.example -all";
    company.records.domains = vec![
        domain("harborfinch.example", &[spf], &["v=DMARC1; p=none; rua=mailto:dmarc@harborfinch.example"], None),
        domain("strict.example", &[spf], &["v=DMARC1; p=reject"], Some(Duration::days(61))),
        domain("open.example", &["v=spf1 +all"], &["v=DMARC1; p=reject"], Some(Duration::days(60))),
        domain("bare.example", &[], &[], Some(Duration::days(14))),
        domain("gone.example", &[spf], &["v=DMARC1; p=quarantine"], Some(-Duration::days(3))),
    ];
    check(
        &company,
        "email_spoofable",
        &[
            (
                "email_spoofable:bare.example",
                FlagSeverity::Red,
                "Anyone can send e-mail as bare.example: it publishes no DMARC policy",
            ),
            (
                "email_spoofable:open.example",
                FlagSeverity::Red,
                "Anyone can send e-mail as open.example: its SPF record lets every server on the internet send as \
                 it (+all)",
            ),
            (
                "email_spoofable:harborfinch.example",
                FlagSeverity::Amber,
                "Anyone can send e-mail as harborfinch.example: its DMARC policy is none",
            ),
        ],
    );
    check(
        &company,
        "domain_expiring",
        &[
            (
                "domain_expiring:bare.example",
                FlagSeverity::Red,
                "The registration of bare.example runs out in 14 days (4 December 2026)",
            ),
            (
                "domain_expiring:open.example",
                FlagSeverity::Amber,
                "The registration of open.example runs out in 60 days (19 January 2027)",
            ),
        ],
    );
    check(
        &company,
        "domain_expired",
        &[(
            "domain_expired:gone.example",
            FlagSeverity::Red,
            "The registration of gone.example ran out 3 days ago: its website and e-mail stop",
        )],
    );
    let flags = company.flags();
    let flag = flags.iter().find(|flag| flag.id == "domain_expiring:bare.example").unwrap();
    assert_eq!(
        flag.question,
        "Who at Acme IT renews bare.example with Example Registrar, Inc., and is renewal automatic?"
    );
    assert_eq!(flag.records, ["acme-psa:bare.example"]);
    let open = flags.iter().find(|flag| flag.id == "email_spoofable:open.example").unwrap();
    assert_eq!(open.question, "When will Acme IT remove \"+all\" from open.example's SPF record?");
}

fn device(id: &str) -> Device {
    Device {
        provenance: provenance(id),
        vendor_id: "acme".into(),
        name: id.into(),
        role: DeviceRole::Workstation,
        managed: true,
        enrolled_at: at("2026-01-01T00:00:00Z"),
        protection_ok: Some(true),
        last_seen: None,
        seen_by: Default::default(),
    }
}

fn missing_patch(device: &str, class: PatchClass, days: i64) -> Patch {
    Patch {
        provenance: provenance(&format!("patch-{device}")),
        vendor_id: "acme".into(),
        device_id: device.into(),
        title: "Security update".into(),
        class,
        missing_since: now() - Duration::days(days),
        installed_at: None,
    }
}

#[test]
fn patches() {
    let mut company = Company::new();
    company.records.devices = (0..20).map(|n| device(&format!("d{n}"))).collect();
    // One device of twenty overdue: 95%, on target. A critical patch
    // missing 15 days is red on its own.
    company.records.patches =
        vec![missing_patch("d0", PatchClass::Security, 15), missing_patch("d1", PatchClass::Critical, 14)];
    check(&company, "patch_compliance", &[]);
    check(&company, "critical_patch_overdue", &[]);
    company.records.patches =
        vec![missing_patch("d0", PatchClass::Security, 15), missing_patch("d1", PatchClass::Critical, 15)];
    check(
        &company,
        "patch_compliance",
        &[(
            "patch_compliance:acme",
            FlagSeverity::Amber,
            "Only 90.0% of Acme IT's devices have their security updates on time; the target is 95.0%",
        )],
    );
    check(
        &company,
        "critical_patch_overdue",
        &[(
            "critical_patch_overdue:acme",
            FlagSeverity::Red,
            "Acme IT has left a critical security update uninstalled for 15 days on 1 device; the limit is 14",
        )],
    );
    company.records.patches = (0..4).map(|n| missing_patch(&format!("d{n}"), PatchClass::Security, 20)).collect();
    check(
        &company,
        "patch_compliance",
        &[(
            "patch_compliance:acme",
            FlagSeverity::Red,
            "Only 80.0% of Acme IT's devices have their security updates on time; the target is 95.0%",
        )],
    );
}

fn vulnerability(id: &str, severity: Severity, days_open: i64) -> Vulnerability {
    Vulnerability {
        provenance: provenance(id),
        vendor_id: "acme".into(),
        asset: "srv-1".into(),
        title: "Remote code execution".into(),
        severity,
        first_found: now() - Duration::days(days_open) - Duration::hours(1),
        fixed_at: None,
    }
}

#[test]
fn critical_vulnerabilities_past_their_deadline() {
    let mut company = Company::new();
    company.records.vulnerabilities =
        vec![vulnerability("v1", Severity::Critical, 15), vulnerability("v2", Severity::High, 40)];
    check(&company, "critical_vulnerability_overdue", &[]);
    company.records.vulnerabilities.push(vulnerability("v3", Severity::Critical, 45));
    check(
        &company,
        "critical_vulnerability_overdue",
        &[(
            "critical_vulnerability_overdue:acme",
            FlagSeverity::Red,
            "Acme IT has 1 critical security weakness open for 45 days; the deadline is 15 days",
        )],
    );
    let flags = company.flags();
    let flag = flags.iter().find(|flag| flag.rule == "critical_vulnerability_overdue").unwrap();
    assert_eq!(flag.records, ["acme-psa:v3"]);
}

#[test]
fn backups_and_restore_tests() {
    let mut company = Company::new();
    let job = |id: &str, hours_ago: i64, succeeded| BackupJob {
        provenance: provenance(id),
        vendor_id: "acme".into(),
        system: "ERP database".into(),
        started_at: now() - Duration::hours(hours_ago),
        succeeded,
    };
    let restore = |days_ago: i64| RestoreTest {
        provenance: provenance("r1"),
        vendor_id: "acme".into(),
        system: "ERP database".into(),
        tested_at: now() - Duration::days(days_ago) - Duration::hours(1),
        succeeded: true,
    };
    company.records.backups = vec![job("b0", 24 * 40, true), job("b1", 23, true), job("b2", 2, false)];
    company.records.restore_tests = vec![restore(90)];
    check(&company, "backup_missing", &[]);
    check(&company, "restore_test_overdue", &[]);
    company.records.backups = vec![job("b0", 24 * 40, true), job("b1", 25, true), job("b2", 2, false)];
    company.records.restore_tests = vec![restore(91)];
    check(
        &company,
        "backup_missing",
        &[(
            "backup_missing:acme:erp-database",
            FlagSeverity::Red,
            "No successful backup of ERP database for 25 hours (Acme IT)",
        )],
    );
    check(
        &company,
        "restore_test_overdue",
        &[(
            "restore_test_overdue:acme",
            FlagSeverity::Amber,
            "Acme IT has not proven a backup can be restored for 91 days; good practice is every 90",
        )],
    );
    company.records.restore_tests = vec![restore(181)];
    check(
        &company,
        "restore_test_overdue",
        &[(
            "restore_test_overdue:acme",
            FlagSeverity::Red,
            "Acme IT has not proven a backup can be restored for 181 days; good practice is every 90",
        )],
    );
    // A vendor that backs systems up but never rehearsed a failover.
    check(
        &company,
        "resilience_test_overdue",
        &[("resilience_test_overdue:acme", FlagSeverity::Amber, "Acme IT has no failover test on record")],
    );
}

#[test]
fn key_person_dependency() {
    let mut company = Company::new();
    let with_busiest = |busiest: usize| {
        let mut tickets = october_tickets(30, 0);
        for (index, ticket) in tickets.iter_mut().enumerate() {
            ticket.resolved_by = Some(if index < busiest { "Sam".into() } else { format!("other-{}", index % 7) });
        }
        tickets
    };
    company.records.tickets = with_busiest(15);
    check(&company, "key_person", &[]);
    company.records.tickets = with_busiest(16);
    check(
        &company,
        "key_person",
        &[("key_person:acme", FlagSeverity::Amber, "One engineer fixed 53.3% of Acme IT's tickets in October 2026")],
    );
    company.records.tickets = with_busiest(22);
    check(
        &company,
        "key_person",
        &[("key_person:acme", FlagSeverity::Red, "One engineer fixed 73.3% of Acme IT's tickets in October 2026")],
    );
}

#[test]
fn services_reviews_and_stale_sources() {
    let mut company = Company::new();
    let service = |id: &str, critical, vendors: &[&str]| Service {
        id: id.into(),
        name: id.to_uppercase(),
        critical,
        vendor_ids: vendors.iter().map(|v| v.to_string()).collect(),
        uptime_target_pct: None,
        monitor_sources: Vec::new(),
    };
    company.vendors.push(Vendor {
        id: "beta".into(),
        name: "Beta Cloud".into(),
        kind: VendorKind::Cloud,
        monthly_cost: None,
        last_review: Some(NaiveDate::from_ymd_opt(2026, 7, 23).unwrap()),
    });
    company.vendors.push(Vendor {
        id: "inhouse".into(),
        name: "Internal IT".into(),
        kind: VendorKind::Internal,
        monthly_cost: None,
        last_review: None,
    });
    company.services = vec![
        service("erp", true, &["acme"]),
        service("web", true, &["acme", "beta"]),
        service("wiki", false, &["beta"]),
    ];
    check(
        &company,
        "single_vendor_service",
        &[(
            "single_vendor_service:erp",
            FlagSeverity::Amber,
            "ERP depends on Acme IT alone, with no alternative recorded",
        )],
    );
    // 120 days is on time; internal IT is not reviewed as a supplier.
    check(&company, "supplier_review_overdue", &[]);
    company.vendors[1].last_review = Some(NaiveDate::from_ymd_opt(2026, 7, 22).unwrap());
    check(
        &company,
        "supplier_review_overdue",
        &[(
            "supplier_review_overdue:beta",
            FlagSeverity::Amber,
            "No supplier review of Beta Cloud for 121 days; reviews are due every 120",
        )],
    );
    company.sources = vec![
        source("fresh", Some(now() - Duration::hours(47))),
        source("late", Some(now() - Duration::hours(49))),
        source("old", Some(now() - Duration::days(8))),
        source("never", None),
    ];
    check(
        &company,
        "stale_source",
        &[
            (
                "stale_source:never",
                FlagSeverity::Red,
                "Acme PSA has never synced: there are no figures from it for Acme IT",
            ),
            (
                "stale_source:old",
                FlagSeverity::Red,
                "Acme PSA has not synced for 8 days: Acme IT's figures are out of date",
            ),
            (
                "stale_source:late",
                FlagSeverity::Amber,
                "Acme PSA has not synced for 2 days: Acme IT's figures are out of date",
            ),
        ],
    );
}

#[test]
fn a_metric_worse_three_months_running() {
    let mut company = Company::new();
    // Twenty tickets a month, July to October, answered later each month:
    // 100%, 95%, 90%, 85% on time.
    let mut tickets = Vec::new();
    for (month, late) in [(7, 0), (8, 1), (9, 2), (10, 3)] {
        for mut ticket in october_tickets(20, late) {
            ticket.created_at -= Duration::days(31 * (10 - month));
            ticket.first_response_at = ticket.first_response_at.map(|at| at - Duration::days(31 * (10 - month)));
            ticket.resolved_at = ticket.resolved_at.map(|at| at - Duration::days(31 * (10 - month)));
            ticket.provenance.record_id = format!("{month}-{}", ticket.provenance.record_id);
            tickets.push(ticket);
        }
    }
    company.records.tickets = tickets;
    let flags = company.flags();
    let worsening: Vec<&str> =
        flags.iter().filter(|flag| flag.rule == "worsening").map(|flag| flag.headline.as_str()).collect();
    assert_eq!(
        worsening,
        ["Acme IT: tickets answered on time got worse three months running, to 85.0% in October 2026"]
    );
}

#[test]
fn the_providers_own_sla_report_against_the_tickets() {
    let mut company = Company::new();
    let mut tickets = october_tickets(20, 4);
    for ticket in &mut tickets {
        ticket.vendor_reported_in_sla = Some(true);
    }
    company.records.tickets = tickets.clone();
    check(
        &company,
        "reported_sla_mismatch",
        &[(
            "reported_sla_mismatch:acme",
            FlagSeverity::Amber,
            "Acme IT says 100.0% of October 2026 tickets met the SLA; by the contract 80.0% did (4 disputed)",
        )],
    );
    // Within five points: no flag.
    tickets[0].first_response_at = tickets[0].first_response_at.map(|at| at - Duration::minutes(200));
    tickets[1].first_response_at = tickets[1].first_response_at.map(|at| at - Duration::minutes(200));
    tickets[2].first_response_at = tickets[2].first_response_at.map(|at| at - Duration::minutes(200));
    company.records.tickets = tickets;
    check(&company, "reported_sla_mismatch", &[]);
}

#[test]
fn flags_keep_their_identity_resolve_and_return() {
    let mut company = Company::new();
    company.records.certificates = vec![certificate("www.example", Duration::days(10))];
    let first = reconcile(&[], company.flags(), now());
    assert_eq!(first.len(), 1);
    assert_eq!((first[0].state, first[0].first_seen), (FlagState::New, now()));

    // Still there ten days later: ongoing, first seen unchanged.
    let later = now() + Duration::days(10);
    let second = reconcile(&first, company.flags(), later);
    assert_eq!((second[0].state, second[0].first_seen, second[0].last_seen), (FlagState::Ongoing, now(), later));

    // Renewed: resolved.
    let third = reconcile(&second, Vec::new(), later + Duration::days(1));
    assert_eq!((third[0].state, third[0].resolved_at), (FlagState::Resolved, Some(later + Duration::days(1))));

    // Back again: returning, with its original first sighting.
    let fourth = reconcile(&third, company.flags(), later + Duration::days(2));
    assert_eq!((fourth[0].state, fourth[0].first_seen, fourth[0].returned), (FlagState::Returning, now(), true));
    assert_eq!(fourth[0].flag.id, "certificate_expiring:www.example");
}

#[test]
fn a_growing_or_ageing_backlog() {
    let mut company = Company::new();
    // `count` tickets opened `days_ago`, still open.
    let open = |prefix: &str, count: usize, days_ago: i64| -> Vec<Ticket> {
        (0..count)
            .map(|index| {
                let created_at = now() - Duration::days(days_ago) - Duration::minutes(index as i64);
                Ticket {
                    provenance: provenance(&format!("{prefix}{index}")),
                    vendor_id: "acme".into(),
                    summary: "Waiting".into(),
                    priority: None,
                    created_at,
                    first_response_at: None,
                    resolved_at: None,
                    assignee: None,
                    resolved_by: None,
                    status: "Open".into(),
                    reopened: None,
                    vendor_reported_in_sla: None,
                    paused_minutes: None,
                    excluded_from_sla: false,
                }
            })
            .collect()
    };
    // Ten open four weeks ago and two more since: 20% growth is the limit.
    company.records.tickets = [open("old", 10, 29), open("new", 2, 3)].concat();
    check(&company, "backlog_growing", &[]);
    company.records.tickets = [open("old", 10, 29), open("new", 3, 3)].concat();
    check(
        &company,
        "backlog_growing",
        &[("backlog_growing:acme", FlagSeverity::Amber, "Acme IT's open tickets grew from 10 to 13 in four weeks")],
    );
    // Of 13 open tickets, 10 are over 30 days old once time moves on.
    company.records.tickets = [open("old", 10, 31), open("new", 3, 3)].concat();
    check(
        &company,
        "backlog_aged",
        &[("backlog_aged:acme", FlagSeverity::Amber, "10 of Acme IT's 13 open tickets have waited more than 30 days")],
    );
}
