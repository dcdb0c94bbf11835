//! The generator itself: vendors and contracts first, then a day-by-day
//! walk over two years that writes tickets, patches, backups and the rest.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc, Weekday};
use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sightline_domain::{
    Account, BackupJob, BusinessClock, BusinessHours, Certificate, Change, ChangeOutcome, Clock, Contract,
    ContractTerms, Device, DeviceRole, DomainPosture, Inventory, Patch, PatchClass, Provenance, RecordBatch,
    ResilienceTest, RestoreTest, Service, ServiceCredits, Severity, SlaClock, SlaTarget, SourceInfo, Survey, Ticket,
    Tz, Vendor, VendorKind, Vulnerability,
};

/// The fixed seed: the same `now` always gives the same company.
pub const SEED: u64 = 0x5167_471E_2026;
pub const COMPANY_NAME: &str = "Harbor & Finch Logistics";
/// The MSP engineer who closes most of its tickets lately.
pub const KEY_ENGINEER: &str = "Dana W.";
/// The public host whose certificate expires in 12 days.
pub const CERT_HOST_EXPIRING: &str = "www.harborfinch.example";

const HISTORY_DAYS: i64 = 730;

/// Everything the demo company is, ready for the store.
#[derive(Debug, Clone)]
pub struct DemoCompany {
    pub name: String,
    pub vendors: Vec<Vendor>,
    pub contracts: Vec<Contract>,
    pub services: Vec<Service>,
    pub sources: Vec<SourceInfo>,
    /// Records per source id.
    pub batches: Vec<(String, RecordBatch)>,
}

struct Source {
    id: &'static str,
    /// The kind of source it stands for, as `sightline.toml` names it.
    kind: &'static str,
    vendor: &'static str,
    name: &'static str,
    /// How long before `now` the source last synced.
    synced_minutes_ago: i64,
}

const SOURCES: &[Source] = &[
    Source {
        id: "bluepeak-psa",
        kind: "connectwise",
        vendor: "bluepeak",
        name: "Bluepeak service desk",
        synced_minutes_ago: 35,
    },
    Source {
        id: "bluepeak-rmm",
        kind: "ninjaone",
        vendor: "bluepeak",
        name: "Bluepeak device management",
        synced_minutes_ago: 50,
    },
    Source {
        id: "stratus-ops",
        kind: "csv",
        vendor: "stratus",
        name: "Stratus operations portal",
        synced_minutes_ago: 70,
    },
    Source {
        id: "sentinel-scan",
        kind: "tenable",
        vendor: "sentinel",
        name: "Sentinel vulnerability scanner (Tenable)",
        synced_minutes_ago: 95,
    },
    Source {
        id: "internal-desk",
        kind: "jsm",
        vendor: "internal",
        name: "Internal IT help desk",
        synced_minutes_ago: 20,
    },
    Source {
        id: "tls-probe",
        kind: "tls",
        vendor: "internal",
        name: "Sightline certificate check",
        synced_minutes_ago: 20,
    },
    Source {
        id: "company-defender",
        kind: "defender",
        vendor: "internal",
        name: "Microsoft Defender (company tenant)",
        synced_minutes_ago: 25,
    },
    Source {
        id: "company-entra",
        kind: "entra",
        vendor: "internal",
        name: "Microsoft Entra ID (company directory)",
        synced_minutes_ago: 25,
    },
    Source {
        id: "stratus-monitor",
        kind: "uptimerobot",
        vendor: "stratus",
        name: "Stratus uptime monitor (UptimeRobot)",
        synced_minutes_ago: 40,
    },
    Source {
        id: "site-checks",
        kind: "http",
        vendor: "stratus",
        name: "Sightline website checks",
        synced_minutes_ago: 5,
    },
    Source {
        id: "domain-check",
        kind: "domain",
        vendor: "bluepeak",
        name: "Sightline domain and e-mail check",
        synced_minutes_ago: 20,
    },
];

/// The index of the provider's uptime monitor and of Sightline's own
/// website checks in `SOURCES`.
const MONITOR: usize = 8;
const SITE_CHECKS: usize = 9;
const DOMAIN_CHECK: usize = 10;

/// The company's domains as DNS and the registry publish them:
/// (domain, DMARC record, days until its registration runs out). The
/// main domain's DMARC policy is none: anyone can send mail as it.
pub const DOMAINS: &[(&str, &str, i64)] = &[
    ("harborfinch.example", "v=DMARC1; p=none; rua=mailto:dmarc-reports@harborfinch.example", 287),
    ("harborfinch-tracking.example", "v=DMARC1; p=reject; rua=mailto:dmarc-reports@harborfinch.example", 41),
];

/// What Sightline's website checks look at, and the provider's monitor
/// of the same service.
const CHECKED: &[(&str, &str)] = &[
    ("Orders and dispatch (ERP)", "https://erp.harborfinch.example/health"),
    ("Customer tracking website", "https://track.harborfinch.example/"),
];
/// How long the tracking website was down, unseen by the provider's
/// monitor: 3 h 10 min on the 14th of last month, from 02:10.
pub const UNREPORTED_OUTAGE_MINUTES: i64 = 190;

/// The former Bluepeak engineer's account: an administrator, no second
/// factor, unused for months, still enabled.
pub const FORMER_ENGINEER: &str = "k.morgan_bluepeak.example#EXT#@harborfinch.onmicrosoft.com";
/// The company's own administrator account without a second factor.
pub const SHARED_ADMIN: &str = "it.admin@harborfinch.example";

/// The laptops Bluepeak manages that endpoint protection does not see.
pub const UNPROTECTED_LAPTOPS: std::ops::RangeInclusive<u32> = 188..=196;
/// The laptops no tool has heard from for over a month.
pub const SILENT_LAPTOPS: std::ops::RangeInclusive<u32> = 50..=52;
/// The weakness Bluepeak's device management reports fixed and Defender
/// still finds.
pub const CLAIMED_FIXED_CVE: &str = "CVE-2026-31337";

fn vendors(now: DateTime<Utc>) -> Vec<Vendor> {
    let review = |days_ago: i64| Some((now - Duration::days(days_ago)).date_naive());
    vec![
        Vendor {
            id: "bluepeak".into(),
            name: "Bluepeak IT Services".into(),
            kind: VendorKind::Msp,
            monthly_cost: Some(14_500.0),
            last_review: review(75),
        },
        Vendor {
            id: "internal".into(),
            name: "Internal IT".into(),
            kind: VendorKind::Internal,
            monthly_cost: None,
            last_review: None,
        },
        Vendor {
            id: "sentinel".into(),
            name: "Sentinel Forge Security".into(),
            kind: VendorKind::Security,
            monthly_cost: Some(3_800.0),
            last_review: review(40),
        },
        Vendor {
            id: "stratus".into(),
            name: "Stratus Cloud Hosting".into(),
            kind: VendorKind::Cloud,
            monthly_cost: Some(6_200.0),
            last_review: review(100),
        },
    ]
}

fn target(priority: &str, respond: i64, resolve: i64, from: Option<NaiveDate>) -> SlaTarget {
    SlaTarget {
        priority: priority.into(),
        respond_minutes: Some(respond),
        resolve_minutes: Some(resolve),
        effective_from: from,
        clock: None,
    }
}

/// The first day of the month `months` before the month of `now`.
fn month_start_before(now: DateTime<Utc>, months: i32) -> NaiveDate {
    let index = now.year() * 12 + now.month0() as i32 - months;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1).expect("valid month")
}

/// The MSP's business hours: its P2-P4 clocks run only then, in the
/// company's time zone (the demo's is UTC).
pub const MSP_HOURS: &str = "Mon-Fri 08:00-18:00";

/// A bank holiday on which the MSP's business clock stood still: the first
/// Monday of the month two months before `now`.
pub fn msp_holiday(now: DateTime<Utc>) -> NaiveDate {
    let first = month_start_before(now, 2);
    let offset = (7 - first.weekday().num_days_from_monday()) % 7;
    first + Duration::days(i64::from(offset))
}

fn contracts(now: DateTime<Utc>) -> Vec<Contract> {
    // The MSP's urgent-ticket response target was tightened from 30 to 15
    // minutes at a contract renewal fourteen months ago.
    let renewal = Some(month_start_before(now, 14));
    let round_the_clock = |mut target: SlaTarget| {
        target.clock = Some(SlaClock::RoundTheClock);
        target
    };
    vec![
        Contract {
            vendor_id: "bluepeak".into(),
            sla: vec![
                round_the_clock(target("P1", 30, 240, None)),
                round_the_clock(target("P1", 15, 240, renewal)),
                target("P2", 60, 480, None),
                target("P3", 240, 3 * 540, None),
                target("P4", 480, 5 * 540, None),
            ],
            compliance_target_pct: 95.0,
            terms: ContractTerms {
                hours: Some(BusinessHours::parse(MSP_HOURS).expect("the demo's hours are valid")),
                holidays: vec![msp_holiday(now)],
                credits: Some(ServiceCredits { percent_per_point: 1.0, cap_percent: 15.0 }),
                uptime_target_pct: None,
            },
        },
        Contract {
            vendor_id: "internal".into(),
            sla: vec![target("P2", 120, 1440, None), target("P3", 480, 5 * 1440, None)],
            compliance_target_pct: 90.0,
            terms: Default::default(),
        },
        Contract {
            vendor_id: "sentinel".into(),
            sla: vec![target("P1", 30, 480, None), target("P2", 120, 1440, None)],
            compliance_target_pct: 95.0,
            terms: Default::default(),
        },
        Contract {
            vendor_id: "stratus".into(),
            sla: vec![target("P1", 15, 120, None), target("P2", 60, 480, None), target("P3", 240, 2 * 1440, None)],
            compliance_target_pct: 95.0,
            // Hosting promises 99.9% uptime.
            terms: ContractTerms { uptime_target_pct: Some(99.9), ..Default::default() },
        },
    ]
}

fn services() -> Vec<Service> {
    let service = |id: &str, name: &str, critical: bool, vendors: &[&str]| Service {
        id: id.into(),
        name: name.into(),
        critical,
        vendor_ids: vendors.iter().map(|vendor| vendor.to_string()).collect(),
        uptime_target_pct: None,
        monitor_sources: Vec::new(),
    };
    // The two services customers see are watched by Sightline's own
    // checks, and must be up 99.9% of the time.
    let watched = |service: Service, url: &str| Service {
        uptime_target_pct: Some(99.9),
        monitor_sources: vec![format!("{}:{url}", SOURCES[SITE_CHECKS].id)],
        ..service
    };
    vec![
        watched(service("erp", "Orders and dispatch (ERP)", true, &["stratus"]), CHECKED[0].1),
        service("email", "E-mail and calendars", true, &["bluepeak"]),
        watched(service("website", "Customer tracking website", true, &["stratus", "internal"]), CHECKED[1].1),
        service("finance", "Finance and payroll", true, &["stratus", "bluepeak"]),
        service("laptops", "Staff laptops and phones", false, &["bluepeak"]),
    ]
}

/// Builds the whole demo company as it stands at `now`.
pub fn generate(now: DateTime<Utc>) -> DemoCompany {
    let now = now.with_nanosecond(0).expect("zero nanoseconds is valid");
    let mut world = World::new(now);
    world.tickets();
    world.devices_and_patches();
    world.backups_and_tests();
    world.certificates();
    world.vulnerabilities();
    world.changes();
    world.surveys();
    world.coverage();
    world.directory();
    world.site_checks();
    world.domains();

    let sources = SOURCES
        .iter()
        .map(|source| {
            let synced = now - Duration::minutes(source.synced_minutes_ago);
            SourceInfo {
                id: source.id.into(),
                kind: source.kind.into(),
                vendor_id: source.vendor.into(),
                name: source.name.into(),
                last_success_at: Some(synced),
                last_attempt_at: Some(synced),
                last_error: None,
                demo: true,
            }
        })
        .collect();
    DemoCompany {
        name: COMPANY_NAME.into(),
        vendors: vendors(now),
        contracts: contracts(now),
        services: services(),
        sources,
        batches: SOURCES.iter().zip(world.batches).map(|(source, batch)| (source.id.to_string(), batch)).collect(),
    }
}

struct World {
    now: DateTime<Utc>,
    start: DateTime<Utc>,
    rng: ChaCha8Rng,
    /// Which tickets waited on the customer, and how long.
    pauses: ChaCha8Rng,
    /// One batch per entry of `SOURCES`, in the same order.
    batches: Vec<RecordBatch>,
    counter: u64,
}

/// How a vendor's service desk behaves.
struct Desk {
    source: usize,
    vendor: &'static str,
    prefix: &'static str,
    tickets_per_weekday: f64,
    /// Priority names and weights.
    priorities: &'static [(&'static str, f64)],
    /// The first engineer is the one a key-person pattern favours.
    engineers: &'static [&'static str],
}

const MSP_PRIORITIES: &[(&str, f64)] = &[("P1", 0.03), ("P2", 0.12), ("P3", 0.55), ("P4", 0.30)];
const MSP_ENGINEERS: &[&str] = &[KEY_ENGINEER, "Ravi M.", "Jo C.", "Priya A.", "Tom O."];

const SUMMARIES: &[&str] = &[
    "Cannot sign in to e-mail",
    "Laptop running slowly",
    "New starter: accounts and laptop",
    "Printer on the dispatch floor offline",
    "Shared drive permissions",
    "VPN disconnects from home",
    "Phone not syncing calendar",
    "Password reset",
    "ERP client error on login",
    "Request for software install",
    "Wi-Fi in the warehouse office",
    "Leaver: remove access",
];

impl World {
    fn new(now: DateTime<Utc>) -> World {
        World {
            now,
            start: now - Duration::days(HISTORY_DAYS),
            rng: ChaCha8Rng::seed_from_u64(SEED),
            pauses: ChaCha8Rng::seed_from_u64(SEED ^ 0xAB5E),
            batches: vec![RecordBatch::default(); SOURCES.len()],
            counter: 0,
        }
    }

    fn provenance(&mut self, source: usize, prefix: &str) -> Provenance {
        self.counter += 1;
        let synced = self.now - Duration::minutes(SOURCES[source].synced_minutes_ago);
        Provenance {
            source_id: SOURCES[source].id.into(),
            record_id: format!("{prefix}-{}", 100_000 + self.counter),
            fetched_at: synced,
        }
    }

    /// Sightline's own website checks of the two services customers see,
    /// for the last 90 days: they find the same down time as the provider's
    /// monitor on the same days, plus one outage the monitor does not show
    /// (on the 14th of last month; the monitor reports that day clear).
    /// Checks every 5 minutes, stored as windows of one state.
    fn site_checks(&mut self) {
        let first_of_month = Utc.from_utc_datetime(
            &self.now.date_naive().with_day(1).expect("the first of a month").and_hms_opt(0, 0, 0).expect("midnight"),
        );
        let last_month = first_of_month - Duration::days(1);
        let planted_day = Utc.from_utc_datetime(
            &last_month.date_naive().with_day(14).expect("the 14th").and_hms_opt(0, 0, 0).expect("midnight"),
        );
        let since = self.now - Duration::days(90);
        let mut windows = Vec::new();
        for window in &mut self.batches[MONITOR].availability {
            if window.window_start < since {
                continue;
            }
            let url = CHECKED.iter().find(|(name, _)| *name == window.monitor).map(|(_, url)| *url);
            let Some(url) = url else { continue };
            let planted = window.window_start == planted_day && url.contains("track.");
            if planted {
                // The provider's monitor shows the day clear.
                window.up_seconds += window.down_seconds;
                window.down_seconds = 0;
            }
            let (day, end) = (window.window_start, window.window_end);
            let down = if planted {
                Some((
                    day + Duration::minutes(130),
                    Duration::minutes(UNREPORTED_OUTAGE_MINUTES),
                    "no answer within 10 seconds",
                ))
            } else {
                (window.down_seconds > 0)
                    .then(|| (day + Duration::hours(3), Duration::seconds(window.down_seconds), "answered 503"))
            };
            let mut pieces = Vec::new();
            match down {
                Some((from, length, why)) => {
                    let to = (from + length).min(end);
                    pieces.push((day, from, None));
                    pieces.push((from, to, Some(why)));
                    pieces.push((to, end, None));
                }
                None => pieces.push((day, end, None)),
            }
            for (from, to, why) in pieces {
                if to > from {
                    windows.push((url, from, to, why));
                }
            }
        }
        for (url, from, to, why) in windows {
            let seconds = (to - from).num_seconds();
            let mut provenance = self.provenance(SITE_CHECKS, "CHK");
            provenance.record_id = format!("{url}@{}", from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            self.batches[SITE_CHECKS].availability.push(sightline_domain::Availability {
                provenance,
                vendor_id: "stratus".into(),
                monitor: url.into(),
                window_start: from,
                window_end: to,
                up_seconds: if why.is_none() { seconds } else { 0 },
                down_seconds: if why.is_none() { 0 } else { seconds },
                status: why.map(|_| 503).filter(|_| why != Some("no answer within 10 seconds")),
                latency_ms: Some(if why.is_none() { 180 } else { 10_000 }),
                detail: why.map(str::to_string),
            });
        }
    }

    /// Whole months between the month of `at` and the month of `now`.
    fn months_ago(&self, at: DateTime<Utc>) -> i32 {
        (self.now.year() * 12 + self.now.month0() as i32) - (at.year() * 12 + at.month0() as i32)
    }

    fn days(&self) -> Vec<DateTime<Utc>> {
        let first = Utc.from_utc_datetime(&self.start.date_naive().and_hms_opt(0, 0, 0).expect("midnight"));
        (0..=HISTORY_DAYS).map(|day| first + Duration::days(day)).filter(|day| *day <= self.now).collect()
    }

    fn pick_weighted(&mut self, choices: &[(&'static str, f64)]) -> &'static str {
        let total: f64 = choices.iter().map(|(_, weight)| weight).sum();
        let mut roll = self.rng.gen_range(0.0..total);
        for (choice, weight) in choices {
            if roll < *weight {
                return choice;
            }
            roll -= weight;
        }
        choices[choices.len() - 1].0
    }

    fn poisson(&mut self, mean: f64) -> u32 {
        // Knuth's method: fine for the small means used here.
        let limit = (-mean).exp();
        let mut product: f64 = self.rng.r#gen();
        let mut count = 0;
        while product > limit {
            count += 1;
            product *= self.rng.r#gen::<f64>();
        }
        count
    }

    fn tickets(&mut self) {
        let desks = [
            Desk {
                source: 0,
                vendor: "bluepeak",
                prefix: "BP",
                tickets_per_weekday: 6.5,
                priorities: MSP_PRIORITIES,
                engineers: MSP_ENGINEERS,
            },
            Desk {
                source: 4,
                vendor: "internal",
                prefix: "IT",
                tickets_per_weekday: 1.6,
                priorities: &[("P2", 0.3), ("P3", 0.7)],
                engineers: &["Sam P.", "Alex R.", "Morgan L."],
            },
            Desk {
                source: 2,
                vendor: "stratus",
                prefix: "ST",
                tickets_per_weekday: 0.6,
                priorities: &[("P1", 0.1), ("P2", 0.4), ("P3", 0.5)],
                engineers: &["Lee K.", "Nadia F.", "Chris B.", "Omar S."],
            },
            Desk {
                source: 3,
                vendor: "sentinel",
                prefix: "SF",
                tickets_per_weekday: 0.2,
                priorities: &[("P1", 0.2), ("P2", 0.8)],
                engineers: &["Ines V.", "Paul D."],
            },
        ];
        let all_contracts = contracts(self.now);
        let calendars: Vec<Option<BusinessClock>> = all_contracts
            .iter()
            .map(|contract| {
                let hours = contract.terms.hours.as_ref()?;
                let (first, last) = (self.start.date_naive(), self.now.date_naive() + Duration::days(120));
                Some(BusinessClock::new(hours, &contract.terms.holidays, Tz::UTC, first, last))
            })
            .collect();
        for desk in &desks {
            let index = all_contracts.iter().position(|contract| contract.vendor_id == desk.vendor).expect("contract");
            let (contract, calendar) = (&all_contracts[index], calendars[index].as_ref());
            for day in self.days() {
                let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
                let mean = if weekend { desk.tickets_per_weekday * 0.15 } else { desk.tickets_per_weekday };
                for _ in 0..self.poisson(mean) {
                    self.ticket(desk, contract, calendar, day);
                }
            }
        }
    }

    fn ticket(&mut self, desk: &Desk, contract: &Contract, calendar: Option<&BusinessClock>, day: DateTime<Utc>) {
        let created_at = day + Duration::minutes(self.rng.gen_range(7 * 60..19 * 60));
        if created_at > self.now {
            return;
        }
        let priority = self.pick_weighted(desk.priorities);
        let sla = contract.target_for(priority, created_at).expect("every demo priority has a target");
        // Times are drawn as shares of the target on the contract's own
        // clock: a P3 opened at 17:30 and answered at 08:45 the next
        // working day took 75 business minutes.
        let clock = match (contract.clock_of(Some(sla)), calendar) {
            (SlaClock::Business, Some(calendar)) => Clock::Business(calendar),
            _ => Clock::RoundTheClock,
        };
        let after = |minutes: f64| {
            clock.deadline(created_at, (minutes * 60.0) as i64).expect("the demo's calendar runs past now")
        };
        let (respond, resolve) = (sla.respond_minutes.unwrap_or(240), sla.resolve_minutes.unwrap_or(2880));
        let months_ago = self.months_ago(created_at);

        // The MSP's response compliance slips over the last three months.
        let late_response_chance = match (desk.vendor, months_ago) {
            ("bluepeak", 3) => 0.06,
            ("bluepeak", 2) => 0.10,
            ("bluepeak", 1) => 0.15,
            ("bluepeak", 0) => 0.23,
            ("bluepeak", _) => 0.02,
            // The small desks answer on time: their few tickets would make
            // any single late answer look like a trend.
            _ => 0.0,
        };
        let response_fraction = if self.rng.gen_bool(late_response_chance) {
            self.rng.gen_range(1.15..3.0)
        } else {
            self.rng.gen_range(0.08..0.95)
        };
        let first_response_at = after(respond as f64 * response_fraction);
        let late_fix_chance = if matches!(desk.vendor, "bluepeak" | "internal") { 0.02 } else { 0.0 };
        let resolve_fraction = if self.rng.gen_bool(late_fix_chance) {
            self.rng.gen_range(1.1..2.5)
        } else {
            self.rng.gen_range(0.1..0.9)
        };
        // Some of the MSP's tickets wait on the customer for a while; the
        // wait is recorded and stops the fix clock.
        // (Drawn from a stream of their own, so that adding them left every
        // other record of the demo as it was.)
        let paused_minutes =
            (desk.vendor == "bluepeak" && self.pauses.gen_bool(0.08)).then(|| self.pauses.gen_range(30..(2 * 540)));
        let resolved_at = after(resolve as f64 * resolve_fraction + paused_minutes.unwrap_or(0) as f64);

        // One MSP engineer closes about 70% of tickets over the last year.
        let key_person_share = match (desk.vendor, months_ago) {
            ("bluepeak", 0..=11) => 0.70,
            ("bluepeak", _) => 0.34,
            _ => 0.0,
        };
        let resolver = if key_person_share > 0.0 && self.rng.gen_bool(key_person_share) {
            desk.engineers[0]
        } else {
            let others = if key_person_share > 0.0 { &desk.engineers[1..] } else { desk.engineers };
            others[self.rng.gen_range(0..others.len())]
        };

        let responded = (first_response_at <= self.now).then_some(first_response_at);
        // The MSP's own tool reports the SLA, and marks most late tickets as
        // met (paused clocks, re-categorised priorities): its report and the
        // ticket times disagree.
        let vendor_reported_in_sla = (desk.vendor == "bluepeak").then(|| {
            let met = response_fraction <= 1.0 && resolve_fraction <= 1.0;
            met || self.rng.gen_bool(0.7)
        });
        let resolved = (resolved_at <= self.now).then_some(resolved_at);
        let summary = SUMMARIES[self.rng.gen_range(0..SUMMARIES.len())];
        let reopened = resolved.map(|_| self.rng.gen_bool(0.04));
        let provenance = self.provenance(desk.source, desk.prefix);
        self.batches[desk.source].tickets.push(Ticket {
            provenance,
            vendor_id: desk.vendor.into(),
            summary: summary.into(),
            priority: Some(priority.into()),
            created_at,
            first_response_at: responded,
            resolved_at: resolved,
            assignee: Some(resolver.into()),
            resolved_by: resolved.map(|_| resolver.into()),
            status: if resolved.is_some() { "Closed".into() } else { "In progress".into() },
            reopened,
            vendor_reported_in_sla,
            paused_minutes,
            excluded_from_sla: false,
        });
    }

    /// The second Tuesday of each month: when the monthly security updates
    /// are released.
    fn patch_days(&self) -> Vec<DateTime<Utc>> {
        let mut days = Vec::new();
        for months in (0..=24).rev() {
            let first = month_start_before(self.now, months);
            let offset =
                (7 + Weekday::Tue.num_days_from_monday() as i64 - first.weekday().num_days_from_monday() as i64) % 7;
            let second_tuesday = first + Duration::days(offset + 7);
            let at = Utc.from_utc_datetime(&second_tuesday.and_hms_opt(18, 0, 0).expect("valid time"));
            if at > self.start && at <= self.now {
                days.push(at);
            }
        }
        days
    }

    fn devices_and_patches(&mut self) {
        let patch_days = self.patch_days();
        // (source, vendor, prefix, role, name stem, count)
        let fleets: [(usize, &str, &str, DeviceRole, &str, u32); 2] = [
            (1, "bluepeak", "WS", DeviceRole::Workstation, "HF-LT", 196),
            (2, "stratus", "SRV", DeviceRole::Server, "hf-srv", 38),
        ];
        for (source, vendor, prefix, role, stem, count) in fleets {
            for number in 1..=count {
                // Most devices were there from the start; some joined later.
                let enrolled_at = if self.rng.gen_bool(0.85) {
                    self.start
                } else {
                    self.start + Duration::days(self.rng.gen_range(30..HISTORY_DAYS - 30))
                };
                let device_provenance = self.provenance(source, prefix);
                let device_id = device_provenance.record_id.clone();
                self.batches[source].devices.push(Device {
                    provenance: device_provenance,
                    vendor_id: vendor.into(),
                    name: format!("{stem}-{number:03}"),
                    role,
                    managed: true,
                    enrolled_at,
                    protection_ok: Some(self.rng.gen_bool(0.99)),
                    last_seen: None,
                    seen_by: Default::default(),
                });
                for &released in &patch_days {
                    if released < enrolled_at {
                        continue;
                    }
                    let months_ago = self.months_ago(released);
                    // The hosting vendor has fallen behind on server patching.
                    let late_chance = match (vendor, months_ago) {
                        ("stratus", 0..=1) => 0.14,
                        ("stratus", 2) => 0.08,
                        _ => 0.012,
                    };
                    let late = self.rng.gen_bool(late_chance);
                    let delay_days = match (late, vendor) {
                        (true, "stratus") => self.rng.gen_range(45..90),
                        (true, _) => self.rng.gen_range(16..30),
                        (false, _) => self.rng.gen_range(1..10),
                    };
                    let installed =
                        released + Duration::days(delay_days) + Duration::minutes(self.rng.gen_range(0..600));
                    let critical = released.month() % 3 == 0 || vendor == "stratus";
                    let provenance = self.provenance(source, "PATCH");
                    self.batches[source].patches.push(Patch {
                        provenance,
                        vendor_id: vendor.into(),
                        device_id: device_id.clone(),
                        title: format!("{} security update", released.format("%B %Y")),
                        class: if critical { PatchClass::Critical } else { PatchClass::Security },
                        missing_since: released,
                        installed_at: (installed <= self.now).then_some(installed),
                    });
                }
            }
        }
    }

    fn backups_and_tests(&mut self) {
        const SYSTEMS: &[&str] =
            &["ERP database", "File server", "E-mail archive", "Finance system", "Tracking website"];
        let source = 2;
        for day in self.days() {
            for system in SYSTEMS {
                let started_at = day + Duration::hours(1) + Duration::minutes(self.rng.gen_range(0..50));
                if started_at > self.now {
                    continue;
                }
                let succeeded = !self.rng.gen_bool(0.012);
                let provenance = self.provenance(source, "BKP");
                self.batches[source].backups.push(BackupJob {
                    provenance,
                    vendor_id: "stratus".into(),
                    system: (*system).into(),
                    started_at,
                    succeeded,
                });
            }
        }
        // Quarterly restore tests, until they quietly stopped: the last
        // round was more than 200 days ago.
        let last_round = self.now - Duration::days(212);
        let mut round = last_round;
        while round > self.start {
            for (offset, system) in SYSTEMS.iter().enumerate() {
                let tested_at = round - Duration::days(offset as i64) + Duration::hours(10);
                let provenance = self.provenance(source, "RST");
                self.batches[source].restore_tests.push(RestoreTest {
                    provenance,
                    vendor_id: "stratus".into(),
                    system: (*system).into(),
                    tested_at,
                    succeeded: true,
                });
            }
            round -= Duration::days(91);
        }
        // Uptime of the two services customers see, a day at a time, as
        // the provider's own monitor reports it.
        for day in self.days() {
            for (monitor, _) in CHECKED {
                let window_end = (day + Duration::days(1)).min(self.now);
                let seconds = (window_end - day).num_seconds();
                if seconds <= 0 {
                    continue;
                }
                let down_seconds = if self.rng.gen_bool(0.03) { self.rng.gen_range(120..2400).min(seconds) } else { 0 };
                let provenance = self.provenance(MONITOR, "UP");
                self.batches[MONITOR].availability.push(sightline_domain::Availability {
                    provenance,
                    vendor_id: "stratus".into(),
                    monitor: (*monitor).into(),
                    window_start: day,
                    window_end,
                    up_seconds: seconds - down_seconds,
                    down_seconds,
                    status: None,
                    latency_ms: None,
                    detail: None,
                });
            }
        }
        for days_ago in [160, 520] {
            let provenance = self.provenance(source, "DR");
            self.batches[source].resilience_tests.push(ResilienceTest {
                provenance,
                vendor_id: "stratus".into(),
                name: "ERP failover to second data centre".into(),
                tested_at: self.now - Duration::days(days_ago),
                succeeded: true,
            });
        }
    }

    fn domains(&mut self) {
        let fetched_at = self.now - Duration::minutes(SOURCES[DOMAIN_CHECK].synced_minutes_ago);
        for (domain, dmarc, expires_in) in DOMAINS {
            self.batches[DOMAIN_CHECK].domains.push(DomainPosture {
                provenance: Provenance {
                    source_id: SOURCES[DOMAIN_CHECK].id.into(),
                    record_id: domain.to_string(),
                    fetched_at,
                },
                vendor_id: SOURCES[DOMAIN_CHECK].vendor.into(),
                domain: domain.to_string(),
                spf: vec!["v=spf1 include:spf.protection.mailhost.example -all".into()],
                dmarc: vec![dmarc.to_string()],
                mail_servers: vec!["harborfinch-example.mail.mailhost.example".into()],
                expires_at: Some(self.now + Duration::days(*expires_in) + Duration::hours(9)),
                registrar: Some("Northwind Names, Inc.".into()),
            });
        }
    }

    fn certificates(&mut self) {
        let source = 5;
        // (host, days until the current certificate expires)
        let hosts: [(&str, i64); 3] =
            [(CERT_HOST_EXPIRING, 12), ("portal.harborfinch.example", 201), ("mail.harborfinch.example", 143)];
        for (host, expires_in) in hosts {
            let mut not_after = self.now + Duration::days(expires_in) + Duration::hours(6);
            // The current certificate and the two before it, a year each.
            for _ in 0..3 {
                let not_before = not_after - Duration::days(365);
                let provenance = self.provenance(source, "CERT");
                self.batches[source].certificates.push(Certificate {
                    provenance,
                    vendor_id: "internal".into(),
                    host: host.into(),
                    subject: format!("CN={host}"),
                    issuer: "CN=Example Public CA R3".into(),
                    not_before,
                    not_after,
                    trusted: Some(true),
                    name_matches: Some(true),
                });
                not_after = not_before + Duration::days(5);
            }
        }
    }

    fn vulnerabilities(&mut self) {
        let source = 3;
        const TITLES: &[(&str, Severity)] = &[
            ("Outdated browser with known exploits", Severity::High),
            ("Remote desktop exposed without network-level authentication", Severity::High),
            ("Weak TLS settings on internal service", Severity::Medium),
            ("Unsupported PDF reader version", Severity::Medium),
            ("Information disclosure in web server banner", Severity::Low),
            ("Remote code execution in file-sharing component", Severity::Critical),
        ];
        for day in self.days() {
            if self.rng.gen_bool(0.55) {
                continue;
            }
            let (title, severity) = TITLES[self.rng.gen_range(0..TITLES.len())];
            let on_server = self.rng.gen_bool(0.4);
            let (vendor, asset) = if on_server {
                ("stratus", format!("hf-srv-{:03}", self.rng.gen_range(1..=38)))
            } else {
                ("bluepeak", format!("HF-LT-{:03}", self.rng.gen_range(1..=196)))
            };
            let first_found = day + Duration::hours(3);
            let days_to_fix = match severity {
                Severity::Critical => self.rng.gen_range(1..9),
                Severity::High => self.rng.gen_range(3..25),
                _ => self.rng.gen_range(10..90),
            };
            let fixed_at = first_found + Duration::days(days_to_fix);
            let provenance = self.provenance(source, "VULN");
            self.batches[source].vulnerabilities.push(Vulnerability {
                provenance,
                vendor_id: vendor.into(),
                asset,
                title: title.into(),
                severity,
                first_found,
                fixed_at: (fixed_at <= self.now).then_some(fixed_at),
            });
        }
        // The planted problem: a critical hole on the ERP server, open 45 days.
        let provenance = self.provenance(source, "VULN");
        self.batches[source].vulnerabilities.push(Vulnerability {
            provenance,
            vendor_id: "stratus".into(),
            asset: "hf-srv-001 (ERP database server)".into(),
            title: "Remote code execution in the server's web management console".into(),
            severity: Severity::Critical,
            first_found: self.now - Duration::days(45) - Duration::hours(2),
            fixed_at: None,
        });
    }

    fn changes(&mut self) {
        const TITLES: &[&str] = &[
            "Firewall rule update",
            "ERP minor version upgrade",
            "Storage expansion",
            "Certificate renewal",
            "Network switch firmware",
            "Mail routing change",
        ];
        for day in self.days() {
            for (source, vendor, chance) in [(2usize, "stratus", 0.22), (4, "internal", 0.08)] {
                if !self.rng.gen_bool(chance) || matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
                    continue;
                }
                let roll: f64 = self.rng.r#gen();
                let outcome = if roll < 0.04 {
                    ChangeOutcome::Failed
                } else if roll < 0.07 {
                    ChangeOutcome::RolledBack
                } else {
                    ChangeOutcome::Successful
                };
                let title = TITLES[self.rng.gen_range(0..TITLES.len())];
                let emergency = self.rng.gen_bool(0.08);
                let implemented_at = day + Duration::hours(20) + Duration::minutes(self.rng.gen_range(0..120));
                if implemented_at > self.now {
                    continue;
                }
                let provenance = self.provenance(source, "CHG");
                self.batches[source].changes.push(Change {
                    provenance,
                    vendor_id: vendor.into(),
                    title: title.into(),
                    implemented_at,
                    outcome,
                    emergency,
                });
            }
        }
    }

    /// What the company's own tools see of the same computers: Defender
    /// (source 6) and the scanner (source 3), and when each computer was
    /// last heard from. Its own random stream, so the rest of the company
    /// is the same with or without it.
    fn coverage(&mut self) {
        let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ 0xC0DE);
        let now = self.now;
        let mut managed: Vec<Device> = Vec::new();
        for source in [1, 2] {
            for device in &mut self.batches[source].devices {
                let number: u32 = device.name.rsplit('-').next().and_then(|n| n.parse().ok()).unwrap_or(0);
                let laptop = device.role == DeviceRole::Workstation;
                device.last_seen = Some(if laptop && SILENT_LAPTOPS.contains(&number) {
                    now - Duration::days(rng.gen_range(40..60))
                } else {
                    now - Duration::minutes(rng.gen_range(5..20 * 60))
                });
                managed.push(device.clone());
            }
        }
        for device in &managed {
            let number: u32 = device.name.rsplit('-').next().and_then(|n| n.parse().ok()).unwrap_or(0);
            let laptop = device.role == DeviceRole::Workstation;
            if !(laptop && UNPROTECTED_LAPTOPS.contains(&number)) {
                let provenance = self.provenance(6, "MDE");
                // Defender names computers by their DNS name, in lower case.
                let name = format!("{}.harborfinch.local", device.name.to_lowercase());
                let inactive = (laptop && number == 20) || (!laptop && number == 12);
                self.batches[6].devices.push(Device {
                    provenance,
                    vendor_id: "internal".into(),
                    name,
                    role: device.role,
                    managed: false,
                    enrolled_at: device.enrolled_at,
                    protection_ok: Some(!inactive),
                    last_seen: device.last_seen,
                    seen_by: Inventory::Protection,
                });
            }
            let provenance = self.provenance(3, "ASSET");
            self.batches[3].devices.push(Device {
                provenance,
                vendor_id: "sentinel".into(),
                name: device.name.clone(),
                role: device.role,
                managed: false,
                enrolled_at: device.enrolled_at,
                protection_ok: None,
                last_seen: device.last_seen.map(|seen| seen.min(now - Duration::days(rng.gen_range(1..7)))),
                seen_by: Inventory::Scanner,
            });
        }
        // Bluepeak's device management reports the hole on HF-LT-014
        // fixed ten days ago; Defender, which found it four days before
        // that, still finds it there.
        let title = format!("{CLAIMED_FIXED_CVE} in microsoft windows 10.0.22631");
        let provenance = self.provenance(1, "VULN");
        self.batches[1].vulnerabilities.push(Vulnerability {
            provenance,
            vendor_id: "bluepeak".into(),
            asset: "HF-LT-014".into(),
            title: title.clone(),
            severity: Severity::Critical,
            first_found: now - Duration::days(20),
            fixed_at: Some(now - Duration::days(10)),
        });
        let provenance = self.provenance(6, "MDVM");
        self.batches[6].vulnerabilities.push(Vulnerability {
            provenance,
            vendor_id: "internal".into(),
            asset: "hf-lt-014.harborfinch.local".into(),
            title,
            severity: Severity::Critical,
            first_found: now - Duration::days(14),
            fixed_at: None,
        });
    }

    /// The company's own directory (source 7): staff, a few administrators,
    /// and the planted problems. Its own random stream.
    fn directory(&mut self) {
        const FIRST: &[&str] = &["alex", "bea", "chris", "dana", "eli", "fran", "gus", "hana", "ivo", "jo"];
        const LAST: &[&str] = &["ward", "lee", "ortiz", "khan", "novak", "price", "silva", "young"];
        let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ 0x1D);
        let now = self.now;
        let push = |world: &mut World, user: String, name: String, admin: bool, mfa: bool, quiet_days: i64| {
            let provenance = world.provenance(7, "USER");
            let provider = user.contains("bluepeak.example").then(|| "bluepeak".to_string());
            world.batches[7].accounts.push(Account {
                provenance,
                vendor_id: "internal".into(),
                user,
                display_name: name,
                enabled: true,
                admin,
                mfa_registered: Some(mfa),
                last_sign_in: Some(now - Duration::days(quiet_days) - Duration::hours(3)),
                created_at: Some(now - Duration::days(900)),
                provider,
            });
        };
        // 78 staff: two without a second factor, one leaver never disabled.
        for number in 0..78 {
            let (first, last) = (FIRST[number % FIRST.len()], LAST[(number / FIRST.len()) % LAST.len()]);
            let user = format!("{first}.{last}@harborfinch.example");
            let name =
                format!("{}{} {}{}", &first[..1].to_uppercase(), &first[1..], &last[..1].to_uppercase(), &last[1..]);
            let quiet = if number == 40 { 160 } else { rng.gen_range(0..6) };
            push(self, user, name, false, !(number == 12 || number == 57), quiet);
        }
        // Administrators: three with a second factor, two without.
        for (user, name) in [
            ("head.of.it@harborfinch.example", "Head of IT"),
            ("cfo.admin@harborfinch.example", "Finance systems admin"),
            ("r.mehta_bluepeak.example#EXT#@harborfinch.onmicrosoft.com", "R. Mehta (Bluepeak)"),
        ] {
            let quiet = rng.gen_range(0..3);
            push(self, user.into(), name.into(), true, true, quiet);
        }
        push(self, SHARED_ADMIN.into(), "IT Admin (shared)".into(), true, false, 2);
        push(self, FORMER_ENGINEER.into(), "K. Morgan (Bluepeak)".into(), true, false, 200);
    }

    fn surveys(&mut self) {
        for day in self.days() {
            let months_ago = self.months_ago(day);
            for (source, vendor, per_day, satisfied) in
                [(0usize, "bluepeak", 1.4, if months_ago <= 2 { 0.82 } else { 0.91 }), (4, "internal", 0.35, 0.88)]
            {
                for _ in 0..self.poisson(per_day) {
                    let responded_at = day + Duration::minutes(self.rng.gen_range(8 * 60..20 * 60));
                    if responded_at > self.now {
                        continue;
                    }
                    let satisfied = self.rng.gen_bool(satisfied);
                    let provenance = self.provenance(source, "CSAT");
                    self.batches[source].surveys.push(Survey {
                        provenance,
                        vendor_id: vendor.into(),
                        responded_at,
                        satisfied,
                    });
                }
            }
        }
    }
}
