//! The demo company's own files: documents its providers gave (one SOC 2
//! report 14 months old, one penetration test never sent), its supplier
//! review log, and actions agreed on the flags at the board meeting in
//! August (one overdue since September, one risk accepted with its
//! reason).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sightline_domain::{Action, ActionStatus, EvidenceKind, SupplierReview};

/// A document on file in the demo: vendor, kind, title, issued, expires.
#[derive(Debug, Clone)]
pub struct DemoDocument {
    pub vendor_id: &'static str,
    pub kind: EvidenceKind,
    pub title: String,
    pub issued: NaiveDate,
    pub expires: Option<NaiveDate>,
    pub file_name: String,
    pub content: Vec<u8>,
}

#[derive(Debug, Clone, Default)]
pub struct DemoOnFile {
    pub documents: Vec<DemoDocument>,
    pub reviews: Vec<SupplierReview>,
    pub actions: Vec<Action>,
}

fn day(now: DateTime<Utc>, days: i64) -> NaiveDate {
    (now + Duration::days(days)).date_naive()
}

pub fn on_file(now: DateTime<Utc>) -> DemoOnFile {
    let document = |vendor_id: &'static str, kind: EvidenceKind, title: &str, issued: i64, expires: Option<i64>| {
        let file_name = format!("{vendor_id}-{}.txt", kind.as_str());
        DemoDocument {
            vendor_id,
            kind,
            title: title.into(),
            issued: day(now, issued),
            expires: expires.map(|days| day(now, days)),
            content: format!(
                "Demonstration document: {title}.\nThis file stands in for the document the provider gave; the demo \
                 company and its providers are invented.\n"
            )
            .into_bytes(),
            file_name,
        }
    };
    let documents = vec![
        document("bluepeak", EvidenceKind::Soc2, "Bluepeak IT Services SOC 2 Type II report", -426, None),
        document(
            "bluepeak",
            EvidenceKind::Pentest,
            "External penetration test, Bluepeak client portal",
            -150,
            Some(215),
        ),
        document("bluepeak", EvidenceKind::Contract, "Managed services agreement, schedule 2", -700, Some(395)),
        document("sentinel", EvidenceKind::Soc2, "Sentinel Forge Security SOC 2 Type II report", -120, Some(245)),
        document("sentinel", EvidenceKind::Pentest, "Sentinel Forge annual penetration test", -60, Some(305)),
        document("stratus", EvidenceKind::Soc2, "Stratus Cloud Hosting SOC 2 Type II report", -270, Some(95)),
        document("stratus", EvidenceKind::CyberInsurance, "Stratus cyber insurance certificate", -345, Some(20)),
    ];
    let review =
        |id: i64, vendor_id: &str, ago: i64, reviewer: &str, outcome: &str, next: Option<i64>| SupplierReview {
            id,
            vendor_id: vendor_id.into(),
            reviewed_on: day(now, -ago),
            reviewer: reviewer.into(),
            outcome: outcome.into(),
            next_due: next.map(|days| day(now, days)),
            recorded_at: now - Duration::days(ago),
        };
    let reviews = vec![
        review(
            0,
            "bluepeak",
            195,
            "COO and Head of IT",
            "Satisfactory; asked for monthly SLA reports from the ticketing tool itself.",
            None,
        ),
        review(
            0,
            "bluepeak",
            75,
            "COO and Head of IT",
            "Response times slipping; Bluepeak to present an improvement plan and hire a second senior engineer.",
            Some(45),
        ),
        review(0, "sentinel", 40, "Head of IT", "On target; scope to include the new warehouse network.", Some(140)),
        review(
            0,
            "stratus",
            100,
            "CFO and Head of IT",
            "Price rise accepted; patching and restore testing to be reported quarterly.",
            Some(20),
        ),
    ];
    // Agreed at the board meeting in August.
    let agreed = now - Duration::days(100);
    let action = |flag: &str, owner: &str, due: i64, status: ActionStatus, reason: Option<&str>| Action {
        flag_id: flag.into(),
        owner: owner.into(),
        due: day(now, due),
        status,
        reason: reason.map(Into::into),
        recorded_at: agreed,
    };
    let actions = vec![
        action("critical_patch_overdue:stratus", "Head of IT", 10, ActionStatus::InProgress, None),
        action("restore_test_overdue:stratus", "Head of IT", -68, ActionStatus::Open, None),
        action(
            "key_person:bluepeak",
            "COO",
            60,
            ActionStatus::Accepted,
            Some("Bluepeak is hiring a second senior engineer in January; accepted until then."),
        ),
        action("sla_below_target:bluepeak:response", "COO", 25, ActionStatus::Open, None),
    ];
    DemoOnFile { documents, reviews, actions }
}
