//! The design-scale company: five years of 20 vendors, six sources each
//! (120 in all) and about 1,000,000 tickets with matching devices, patches,
//! backups, vulnerabilities, changes and surveys. Deterministic like the
//! demo (fixed seed, `now` passed in), and produced one source at a time so
//! that writing it never holds more than one source's records: this is the
//! company the scale benchmarks run on, so anyone can reproduce them.

use chrono::{DateTime, Duration, Timelike, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sightline_domain::{
    BackupJob, BusinessHours, Change, ChangeOutcome, Contract, ContractTerms, Device, DeviceRole, Patch, PatchClass,
    Provenance, RecordBatch, RestoreTest, Service, ServiceCredits, Severity, SlaTarget, SourceInfo, Survey, Ticket,
    Vendor, VendorKind, Vulnerability,
};

use crate::SEED;

/// How big the scale company is. `DESIGN` is the design's scale; tests use
/// a small one of the same shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub vendors: usize,
    pub days: i64,
    pub tickets_per_vendor: usize,
}

impl Scale {
    /// Five years of 20 vendors, 1,000,000 tickets.
    pub const DESIGN: Scale = Scale { vendors: 20, days: 5 * 365 + 1, tickets_per_vendor: 50_000 };
}

/// The kinds of source every scale vendor has, in the order they are written.
pub const SCALE_SOURCE_KINDS: [&str; 6] = ["psa", "rmm", "backup", "scanner", "changes", "surveys"];

/// The company without its records; records come per source from
/// [`ScaleCompany::batch`].
#[derive(Debug, Clone)]
pub struct ScaleCompany {
    pub name: String,
    pub scale: Scale,
    pub now: DateTime<Utc>,
    pub vendors: Vec<Vendor>,
    pub contracts: Vec<Contract>,
    pub services: Vec<Service>,
    pub sources: Vec<SourceInfo>,
}

const NAMES: [&str; 20] = [
    "Aldercrest IT",
    "Brightwater Managed Services",
    "Cobalt Ridge Networks",
    "Driftwood Cloud",
    "Emberline Security",
    "Fernhill Systems",
    "Granite Bay Hosting",
    "Halcyon Desk",
    "Ironleaf Backup",
    "Juniper Point IT",
    "Kestrel Data",
    "Lanternfield Support",
    "Moorgate Telecom",
    "Northwind Harbor IT",
    "Oakmere Cyber",
    "Pinecrest Print",
    "Quayside Cloud",
    "Redfern Networks",
    "Saltmarsh IT",
    "Tidewater Software",
];

fn kind_of(index: usize) -> VendorKind {
    match index % 5 {
        0 | 1 => VendorKind::Msp,
        2 => VendorKind::Cloud,
        3 => VendorKind::Security,
        _ => VendorKind::Other,
    }
}

/// The scale company as it stands at `now`.
pub fn scale_company(scale: Scale, now: DateTime<Utc>) -> ScaleCompany {
    let now = now.with_nanosecond(0).expect("zero nanoseconds is valid");
    let vendors: Vec<Vendor> = (0..scale.vendors)
        .map(|index| Vendor {
            id: format!("v{:02}", index + 1),
            name: NAMES[index % NAMES.len()].to_string(),
            kind: kind_of(index),
            monthly_cost: Some(2_000.0 + 750.0 * index as f64),
            last_review: Some((now - Duration::days(30 + 20 * index as i64)).date_naive()),
        })
        .collect();
    let target = |priority: &str, respond: i64, resolve: i64| SlaTarget {
        priority: priority.into(),
        respond_minutes: Some(respond),
        resolve_minutes: Some(resolve),
        effective_from: None,
        clock: None,
    };
    let contracts = vendors
        .iter()
        .enumerate()
        .map(|(index, vendor)| Contract {
            vendor_id: vendor.id.clone(),
            sla: vec![target("P1", 30, 240), target("P2", 60, 480), target("P3", 240, 1620), target("P4", 480, 2700)],
            compliance_target_pct: 95.0,
            terms: ContractTerms {
                // Every other vendor's clock runs in business hours only.
                hours: (index % 2 == 0).then(|| BusinessHours::parse("Mon-Fri 08:00-18:00").expect("valid hours")),
                holidays: Vec::new(),
                credits: (index % 4 == 0).then_some(ServiceCredits { percent_per_point: 1.0, cap_percent: 10.0 }),
                uptime_target_pct: None,
            },
        })
        .collect();
    let services = vendors
        .chunks(4)
        .enumerate()
        .map(|(index, group)| Service {
            id: format!("service-{}", index + 1),
            name: format!("Business service {}", index + 1),
            critical: index < 2,
            vendor_ids: group.iter().map(|vendor| vendor.id.clone()).collect(),
            uptime_target_pct: None,
            monitor_sources: Vec::new(),
        })
        .collect();
    let sources = vendors
        .iter()
        .flat_map(|vendor| {
            SCALE_SOURCE_KINDS.iter().map(move |kind| SourceInfo {
                id: format!("{}-{kind}", vendor.id),
                kind: "demo".into(),
                vendor_id: vendor.id.clone(),
                name: format!("{} {kind}", vendor.name),
                last_success_at: Some(now - Duration::minutes(30)),
                last_attempt_at: Some(now - Duration::minutes(30)),
                last_error: None,
                demo: true,
            })
        })
        .collect();
    ScaleCompany {
        name: "Meridian Freight Group (design scale)".into(),
        scale,
        now,
        vendors,
        contracts,
        services,
        sources,
    }
}

impl ScaleCompany {
    /// The records of one source (by its position in `sources`),
    /// deterministic: the same source always gets the same records.
    pub fn batch(&self, source_index: usize) -> RecordBatch {
        let source = &self.sources[source_index];
        let vendor_index = source_index / SCALE_SOURCE_KINDS.len();
        let kind = SCALE_SOURCE_KINDS[source_index % SCALE_SOURCE_KINDS.len()];
        let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ (source_index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let writer = Writer {
            source_id: &source.id,
            vendor_id: &source.vendor_id,
            fetched_at: self.now - Duration::minutes(30),
            start: self.now - Duration::days(self.scale.days),
            now: self.now,
        };
        let tickets = self.scale.tickets_per_vendor;
        let mut batch = RecordBatch::default();
        match kind {
            "psa" => batch.tickets = writer.tickets(&mut rng, tickets, vendor_index),
            "rmm" => (batch.devices, batch.patches) = writer.devices_and_patches(&mut rng, tickets / 50),
            "backup" => (batch.backups, batch.restore_tests) = writer.backups(&mut rng, 8),
            "scanner" => batch.vulnerabilities = writer.vulnerabilities(&mut rng, tickets / 5),
            "changes" => batch.changes = writer.changes(&mut rng, tickets / 10),
            _ => batch.surveys = writer.surveys(&mut rng, tickets / 5),
        }
        batch
    }
}

struct Writer<'a> {
    source_id: &'a str,
    vendor_id: &'a str,
    fetched_at: DateTime<Utc>,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
}

impl Writer<'_> {
    fn provenance(&self, record_id: String) -> Provenance {
        Provenance { source_id: self.source_id.to_string(), record_id, fetched_at: self.fetched_at }
    }

    /// An instant spread evenly over the history with some jitter: the
    /// `index`-th of `count`.
    fn instant(&self, rng: &mut ChaCha8Rng, index: usize, count: usize) -> DateTime<Utc> {
        let span = (self.now - self.start).num_seconds();
        let base = span * index as i64 / count.max(1) as i64;
        let jitter = rng.gen_range(0..(span / count.max(1) as i64).max(1));
        self.start + Duration::seconds((base + jitter).min(span - 1))
    }

    fn tickets(&self, rng: &mut ChaCha8Rng, count: usize, vendor_index: usize) -> Vec<Ticket> {
        let engineers = ["A. Moss", "B. Rowe", "C. Lind", "D. Park", "E. Shaw"];
        // Vendors differ: some answer quickly, some slowly.
        let slowness = 1.0 + (vendor_index % 7) as f64 * 0.35;
        (0..count)
            .map(|index| {
                let created_at = self.instant(rng, index, count);
                let priority = match rng.gen_range(0..100) {
                    0..5 => "P1",
                    5..25 => "P2",
                    25..75 => "P3",
                    _ => "P4",
                };
                let respond = Duration::minutes((rng.gen_range(5.0..90.0) * slowness) as i64);
                let resolve = Duration::minutes((rng.gen_range(60.0..4_000.0) * slowness) as i64);
                let first_response_at = Some(created_at + respond).filter(|at| *at <= self.now);
                let resolved_at = Some(created_at + respond + resolve).filter(|at| *at <= self.now);
                let engineer = engineers[rng.gen_range(0..engineers.len())];
                Ticket {
                    provenance: self.provenance(format!("T{index:06}")),
                    vendor_id: self.vendor_id.to_string(),
                    summary: format!("Request {index}"),
                    priority: Some(priority.into()),
                    created_at,
                    first_response_at,
                    resolved_at,
                    assignee: Some(engineer.into()),
                    resolved_by: resolved_at.map(|_| engineer.into()),
                    status: if resolved_at.is_some() { "Closed" } else { "Open" }.into(),
                    reopened: Some(rng.gen_bool(0.03)),
                    vendor_reported_in_sla: Some(rng.gen_bool(0.97)),
                    paused_minutes: None,
                    excluded_from_sla: false,
                }
            })
            .collect()
    }

    fn devices_and_patches(&self, rng: &mut ChaCha8Rng, devices: usize) -> (Vec<Device>, Vec<Patch>) {
        let device_list: Vec<Device> = (0..devices)
            .map(|index| Device {
                provenance: self.provenance(format!("D{index:05}")),
                vendor_id: self.vendor_id.to_string(),
                name: format!("{}-host-{index:05}", self.vendor_id),
                role: if index % 10 == 0 { DeviceRole::Server } else { DeviceRole::Workstation },
                managed: rng.gen_bool(0.97),
                enrolled_at: self.instant(rng, index, devices),
                protection_ok: Some(rng.gen_bool(0.95)),
                last_seen: None,
                seen_by: Default::default(),
            })
            .collect();
        // Three missing patches per device over the history.
        let count = devices * 3;
        let patches = (0..count)
            .map(|index| {
                let missing_since = self.instant(rng, index, count);
                let installed_at = Some(missing_since + Duration::days(rng.gen_range(1..45)))
                    .filter(|at| *at <= self.now && rng.gen_bool(0.98));
                Patch {
                    provenance: self.provenance(format!("P{index:06}")),
                    vendor_id: self.vendor_id.to_string(),
                    device_id: format!("D{:05}", index % devices.max(1)),
                    title: format!("Update {index}"),
                    class: match index % 4 {
                        0 => PatchClass::Critical,
                        1 => PatchClass::Security,
                        _ => PatchClass::Other,
                    },
                    missing_since,
                    installed_at,
                }
            })
            .collect();
        (device_list, patches)
    }

    fn backups(&self, rng: &mut ChaCha8Rng, systems: usize) -> (Vec<BackupJob>, Vec<RestoreTest>) {
        let days = (self.now - self.start).num_days();
        let mut jobs = Vec::with_capacity(systems * days as usize);
        let mut tests = Vec::new();
        for day in 0..days {
            for system in 0..systems {
                let started_at = self.start + Duration::days(day) + Duration::hours(1 + system as i64);
                jobs.push(BackupJob {
                    provenance: self.provenance(format!("B{day:04}-{system}")),
                    vendor_id: self.vendor_id.to_string(),
                    system: format!("system-{system}"),
                    started_at,
                    succeeded: rng.gen_bool(0.985),
                });
                if day % 90 == 45 {
                    tests.push(RestoreTest {
                        provenance: self.provenance(format!("R{day:04}-{system}")),
                        vendor_id: self.vendor_id.to_string(),
                        system: format!("system-{system}"),
                        tested_at: started_at + Duration::hours(6),
                        succeeded: rng.gen_bool(0.9),
                    });
                }
            }
        }
        (jobs, tests)
    }

    fn vulnerabilities(&self, rng: &mut ChaCha8Rng, count: usize) -> Vec<Vulnerability> {
        (0..count)
            .map(|index| {
                let first_found = self.instant(rng, index, count);
                let severity = match rng.gen_range(0..100) {
                    0..3 => Severity::Critical,
                    3..20 => Severity::High,
                    20..60 => Severity::Medium,
                    _ => Severity::Low,
                };
                Vulnerability {
                    provenance: self.provenance(format!("V{index:06}")),
                    vendor_id: self.vendor_id.to_string(),
                    asset: format!("{}-host-{:05}", self.vendor_id, index % 997),
                    title: format!("Finding {}", index % 1_500),
                    severity,
                    first_found,
                    fixed_at: Some(first_found + Duration::days(rng.gen_range(1..60)))
                        .filter(|at| *at <= self.now && rng.gen_bool(0.97)),
                }
            })
            .collect()
    }

    fn changes(&self, rng: &mut ChaCha8Rng, count: usize) -> Vec<Change> {
        (0..count)
            .map(|index| Change {
                provenance: self.provenance(format!("C{index:06}")),
                vendor_id: self.vendor_id.to_string(),
                title: format!("Change {index}"),
                implemented_at: self.instant(rng, index, count),
                outcome: if rng.gen_bool(0.94) { ChangeOutcome::Successful } else { ChangeOutcome::Failed },
                emergency: rng.gen_bool(0.05),
            })
            .collect()
    }

    fn surveys(&self, rng: &mut ChaCha8Rng, count: usize) -> Vec<Survey> {
        (0..count)
            .map(|index| Survey {
                provenance: self.provenance(format!("S{index:06}")),
                vendor_id: self.vendor_id.to_string(),
                responded_at: self.instant(rng, index, count),
                satisfied: rng.gen_bool(0.9),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_design_scale_is_a_million_tickets_over_five_years_of_twenty_vendors() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let company = scale_company(Scale::DESIGN, now);
        assert_eq!(company.vendors.len(), 20);
        assert_eq!(company.sources.len(), 120);
        assert_eq!(Scale::DESIGN.vendors * Scale::DESIGN.tickets_per_vendor, 1_000_000);
        let psa = company.batch(0);
        assert_eq!(psa.tickets.len(), 50_000);
        assert!(psa.tickets.iter().all(|ticket| ticket.created_at <= now));
        assert!(psa.tickets[0].created_at < now - Duration::days(5 * 365 - 1));
        // Deterministic: the same source gets the same records.
        assert_eq!(company.batch(0), psa);
        let rmm = company.batch(1);
        assert_eq!((rmm.devices.len(), rmm.patches.len()), (1_000, 3_000));
    }
}
