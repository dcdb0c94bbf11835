//! Records grouped and sorted once per scope (a vendor, or all vendors), so
//! that each metric for each period touches only the records it needs:
//! binary searches over time-sorted lists instead of scans of everything.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use sightline_domain::{
    Account, Availability, BackupJob, Certificate, Change, Contract, Device, Patch, PatchClass, RecordBatch,
    ResilienceTest, RestoreTest, SourceInfo, Survey, Ticket, Vendor, Vulnerability,
};

use crate::sla::{Clocks, Unjudged, judge};

/// Items that are "open" from a start until an optional end (a ticket until
/// it is resolved, a patch until it is installed). Asking which are open at
/// a moment looks only at short intervals that began shortly before it, and
/// at the few long or still-open ones.
#[derive(Debug)]
pub(crate) struct Intervals<'a, T> {
    short: Vec<(DateTime<Utc>, DateTime<Utc>, &'a T)>,
    long: Vec<Interval<'a, T>>,
}

/// An item with its start and (maybe) its end.
type Interval<'a, T> = (DateTime<Utc>, Option<DateTime<Utc>>, &'a T);

/// Intervals up to this long are "short".
const SHORT: Duration = Duration::days(120);

impl<'a, T> Intervals<'a, T> {
    pub fn new(items: impl Iterator<Item = Interval<'a, T>>) -> Intervals<'a, T> {
        let mut short = Vec::new();
        let mut long = Vec::new();
        for (start, end, item) in items {
            match end {
                Some(end) if end - start <= SHORT => short.push((start, end, item)),
                _ => long.push((start, end, item)),
            }
        }
        short.sort_by_key(|(start, _, _)| *start);
        Intervals { short, long }
    }

    /// Items with start < at and no end, or an end at or after `at`.
    pub fn open_at(&self, at: DateTime<Utc>) -> impl Iterator<Item = (DateTime<Utc>, &'a T)> + '_ {
        let from = self.short.partition_point(|(start, _, _)| *start < at - SHORT);
        let to = self.short.partition_point(|(start, _, _)| *start < at);
        let short =
            self.short[from..to].iter().filter(move |(_, end, _)| *end >= at).map(|(start, _, item)| (*start, *item));
        let long = self
            .long
            .iter()
            .filter(move |(start, end, _)| *start < at && end.is_none_or(|end| end >= at))
            .map(|(start, _, item)| (*start, *item));
        short.chain(long)
    }
}

/// A ticket with what every metric needs from the contract worked out once
/// (by [`judge`]): the deadlines that applied when it was created, on the
/// contract's clock. `first_response_at` is the resolution where no
/// response was recorded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TicketRef<'a> {
    pub ticket: &'a Ticket,
    // Copies of the fields the metrics read, so that the hot loops walk one
    // contiguous, time-sorted list instead of chasing pointers.
    pub created_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub fetched_at: DateTime<Utc>,
    pub reopened: Option<bool>,
    /// When the response and resolution targets run out on the contract's
    /// clock (pause included), or why the ticket cannot be judged.
    pub respond_by: Result<Option<DateTime<Utc>>, Unjudged>,
    pub resolve_by: Result<Option<DateTime<Utc>>, Unjudged>,
    /// Minutes on the contract's clock to the first response and to the
    /// resolution, pause taken off.
    pub response_minutes: Option<f64>,
    pub resolution_minutes: Option<f64>,
    /// The resolver's index in [`ScopeIndex::resolvers`].
    pub resolver: Option<u32>,
    /// The source's index in [`ScopeIndex::ticket_sources`]: counting
    /// sources by number keeps the hot loops off the heap.
    pub source: u32,
}

/// The records of one scope, sorted by the time each metric looks at.
#[derive(Debug)]
pub(crate) struct ScopeIndex<'a> {
    pub tickets_by_created: Vec<TicketRef<'a>>,
    pub tickets_by_resolved: Vec<TicketRef<'a>>,
    pub resolvers: Vec<&'a str>,
    pub ticket_sources: Vec<&'a str>,
    pub open_tickets: Intervals<'a, Ticket>,
    pub devices: Vec<&'a Device>,
    /// The devices grouped by computer, once ([`crate::coverage::group`]).
    pub computers: Vec<Vec<&'a Device>>,
    /// Critical and security patches only: the ones compliance is about.
    pub security_patches: Intervals<'a, Patch>,
    pub backups: Vec<&'a BackupJob>,
    /// Per protected system: its first backup, and its successful restore
    /// tests in time order.
    pub protected_systems: Vec<ProtectedSystem<'a>>,
    pub resilience_tests: Vec<&'a ResilienceTest>,
    pub certificates: Vec<&'a Certificate>,
    pub vulnerabilities: Intervals<'a, Vulnerability>,
    pub changes: Vec<&'a Change>,
    pub surveys: Vec<&'a Survey>,
    pub availability: Vec<&'a Availability>,
    /// The usable availability windows as counted (trimmed where their
    /// monitor's next window starts), by start.
    pub uptime: Vec<crate::uptime::Stretch<'a>>,
    /// The outages in them, by start.
    pub outages: Vec<crate::uptime::Outage<'a>>,
    pub accounts: Vec<&'a Account>,
    pub sources: Vec<&'a SourceInfo>,
}

#[derive(Debug)]
pub(crate) struct ProtectedSystem<'a> {
    pub first_backup: Option<DateTime<Utc>>,
    pub successful_tests: Vec<&'a RestoreTest>,
}

/// The slice of a time-sorted list whose key falls in [from, to).
pub(crate) fn in_range<T>(
    items: &[T],
    key: impl Fn(&T) -> DateTime<Utc>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> &[T] {
    let start = items.partition_point(|item| key(item) < from);
    let end = items.partition_point(|item| key(item) < to);
    &items[start..end.max(start)]
}

/// Each record's slot: its vendor's position, so that records are split by
/// vendor in one pass instead of one pass per vendor.
struct Slots<'a> {
    by_vendor: HashMap<&'a str, usize>,
    count: usize,
}

impl Slots<'_> {
    /// Splits `items` into one list per vendor plus a last list of all.
    fn split<'i, T>(&self, items: &'i [T], vendor: impl Fn(&'i T) -> &'i str) -> Vec<Vec<&'i T>> {
        let mut lists: Vec<Vec<&T>> = (0..=self.count).map(|_| Vec::new()).collect();
        for item in items {
            if let Some(&slot) = self.by_vendor.get(vendor(item)) {
                lists[slot].push(item);
            }
            lists[self.count].push(item);
        }
        lists
    }
}

fn sorted<T>(mut items: Vec<&T>, key: impl Fn(&T) -> DateTime<Utc>) -> Vec<&T> {
    items.sort_by_key(|item| key(item));
    items
}

/// One scope's records, split out but not yet sorted.
struct ScopeLists<'a> {
    tickets: Vec<TicketRef<'a>>,
    devices: Vec<&'a Device>,
    patches: Vec<&'a Patch>,
    backups: Vec<&'a BackupJob>,
    restore_tests: Vec<&'a RestoreTest>,
    resilience_tests: Vec<&'a ResilienceTest>,
    certificates: Vec<&'a Certificate>,
    vulnerabilities: Vec<&'a Vulnerability>,
    changes: Vec<&'a Change>,
    surveys: Vec<&'a Survey>,
    availability: Vec<&'a Availability>,
    accounts: Vec<&'a Account>,
    sources: Vec<&'a SourceInfo>,
}

/// Interns strings into small numbers, in first-seen order.
#[derive(Default)]
struct Interner<'a> {
    names: Vec<&'a str>,
    ids: HashMap<&'a str, u32>,
}

impl<'a> Interner<'a> {
    fn id(&mut self, name: &'a str) -> u32 {
        *self.ids.entry(name).or_insert_with(|| {
            self.names.push(name);
            self.names.len() as u32 - 1
        })
    }
}

/// The index of every vendor (in `vendors` order) and then of all vendors
/// together. The shared work (deadlines, names) is done once; each scope's
/// sorting and grouping runs on the machine's cores in parallel.
pub(crate) fn build_indexes<'a>(
    vendors: &'a [Vendor],
    contracts: &'a [Contract],
    records: &'a RecordBatch,
    sources: &'a [SourceInfo],
    clocks: &Clocks,
) -> Vec<ScopeIndex<'a>> {
    let slots = Slots {
        by_vendor: vendors.iter().enumerate().map(|(slot, vendor)| (vendor.id.as_str(), slot)).collect(),
        count: vendors.len(),
    };
    let contract_of: HashMap<&str, &Contract> =
        contracts.iter().map(|contract| (contract.vendor_id.as_str(), contract)).collect();
    let mut resolvers = Interner::default();
    let mut ticket_sources = Interner::default();
    let mut ticket_lists: Vec<Vec<TicketRef>> = (0..=slots.count).map(|_| Vec::new()).collect();
    for ticket in &records.tickets {
        let judged = judge(ticket, contract_of.get(ticket.vendor_id.as_str()).copied(), clocks);
        let reference = TicketRef {
            ticket,
            created_at: ticket.created_at,
            first_response_at: judged.responded_at,
            resolved_at: ticket.resolved_at,
            fetched_at: ticket.provenance.fetched_at,
            reopened: ticket.reopened,
            respond_by: judged.response.map(|leg| leg.map(|leg| leg.due)),
            resolve_by: judged.resolution.map(|leg| leg.map(|leg| leg.due)),
            response_minutes: judged.response_minutes,
            resolution_minutes: judged.resolution_minutes,
            resolver: ticket.resolved_by.as_deref().map(|name| resolvers.id(name)),
            source: ticket_sources.id(&ticket.provenance.source_id),
        };
        if let Some(&slot) = slots.by_vendor.get(ticket.vendor_id.as_str()) {
            ticket_lists[slot].push(reference);
        }
        ticket_lists[slots.count].push(reference);
    }
    let resolvers = resolvers.names;
    let ticket_sources = ticket_sources.names;

    let mut devices = slots.split(&records.devices, |d| &d.vendor_id).into_iter();
    let mut patches = slots.split(&records.patches, |p| &p.vendor_id).into_iter();
    let mut backups = slots.split(&records.backups, |b| &b.vendor_id).into_iter();
    let mut restore_tests = slots.split(&records.restore_tests, |r| &r.vendor_id).into_iter();
    let mut resilience_tests = slots.split(&records.resilience_tests, |r| &r.vendor_id).into_iter();
    let mut certificates = slots.split(&records.certificates, |c| &c.vendor_id).into_iter();
    let mut vulnerabilities = slots.split(&records.vulnerabilities, |v| &v.vendor_id).into_iter();
    let mut changes = slots.split(&records.changes, |c| &c.vendor_id).into_iter();
    let mut surveys = slots.split(&records.surveys, |s| &s.vendor_id).into_iter();
    let mut availability = slots.split(&records.availability, |a| &a.vendor_id).into_iter();
    let mut accounts = slots.split(&records.accounts, |a| &a.vendor_id).into_iter();
    let mut source_lists = slots.split(sources, |s| &s.vendor_id).into_iter();
    let lists: Vec<ScopeLists> = ticket_lists
        .into_iter()
        .map(|tickets| ScopeLists {
            tickets,
            devices: devices.next().unwrap_or_default(),
            patches: patches.next().unwrap_or_default(),
            backups: backups.next().unwrap_or_default(),
            restore_tests: restore_tests.next().unwrap_or_default(),
            resilience_tests: resilience_tests.next().unwrap_or_default(),
            certificates: certificates.next().unwrap_or_default(),
            vulnerabilities: vulnerabilities.next().unwrap_or_default(),
            changes: changes.next().unwrap_or_default(),
            surveys: surveys.next().unwrap_or_default(),
            availability: availability.next().unwrap_or_default(),
            accounts: accounts.next().unwrap_or_default(),
            sources: source_lists.next().unwrap_or_default(),
        })
        .collect();

    // "All vendors" holds as much as every vendor together: it gets a core
    // of its own while the vendors share the other.
    let (resolvers, ticket_sources) = (&resolvers, &ticket_sources);
    let mut lists = lists;
    let all = lists.pop().expect("the all-vendors list is always there");
    std::thread::scope(|threads| {
        let all = threads.spawn(move || ScopeIndex::from_lists(all, resolvers, ticket_sources));
        let mut indexes: Vec<ScopeIndex> =
            lists.into_iter().map(|list| ScopeIndex::from_lists(list, resolvers, ticket_sources)).collect();
        indexes.push(all.join().expect("building the all-vendors index panicked"));
        indexes
    })
}

impl<'a> ScopeIndex<'a> {
    fn from_lists(lists: ScopeLists<'a>, resolvers: &[&'a str], ticket_sources: &[&'a str]) -> ScopeIndex<'a> {
        let mut tickets_by_created = lists.tickets;
        tickets_by_created.sort_by_key(|t| t.created_at);
        let mut tickets_by_resolved: Vec<TicketRef> =
            tickets_by_created.iter().copied().filter(|t| t.resolved_at.is_some()).collect();
        tickets_by_resolved.sort_by_key(|t| t.resolved_at);
        let open_tickets = Intervals::new(tickets_by_created.iter().map(|t| (t.created_at, t.resolved_at, t.ticket)));
        let security_patches = Intervals::new(
            lists
                .patches
                .iter()
                .filter(|patch| matches!(patch.class, PatchClass::Critical | PatchClass::Security))
                .map(|patch| (patch.missing_since, patch.installed_at, *patch)),
        );
        let vulnerabilities = Intervals::new(lists.vulnerabilities.iter().map(|v| (v.first_found, v.fixed_at, *v)));
        let backups = sorted(lists.backups, |job| job.started_at);
        let mut systems: BTreeMap<(&str, &str), ProtectedSystem> = BTreeMap::new();
        let mut last_system: Option<(&str, &str)> = None;
        let mut firsts: Vec<((&str, &str), DateTime<Utc>)> = Vec::new();
        for job in &backups {
            let key = (job.vendor_id.as_str(), job.system.as_str());
            // Jobs come in time order: a run of the same system needs no
            // map lookup; the map keeps each system's earliest job.
            if last_system == Some(key) {
                continue;
            }
            last_system = Some(key);
            firsts.push((key, job.started_at));
        }
        for (key, first) in firsts {
            systems.entry(key).or_insert(ProtectedSystem { first_backup: Some(first), successful_tests: Vec::new() });
        }
        for test in sorted(lists.restore_tests, |test| test.tested_at).into_iter().filter(|test| test.succeeded) {
            systems
                .entry((test.vendor_id.as_str(), test.system.as_str()))
                .or_insert(ProtectedSystem { first_backup: None, successful_tests: Vec::new() })
                .successful_tests
                .push(test);
        }
        let availability = sorted(lists.availability, |window| window.window_start);
        let uptime = crate::uptime::stretches(&availability);
        let outages = crate::uptime::merged(crate::uptime::outages(&uptime));
        ScopeIndex {
            tickets_by_created,
            tickets_by_resolved,
            resolvers: resolvers.to_vec(),
            ticket_sources: ticket_sources.to_vec(),
            open_tickets,
            computers: crate::coverage::group(lists.devices.iter().copied()),
            devices: lists.devices,
            security_patches,
            backups,
            protected_systems: systems.into_values().collect(),
            resilience_tests: sorted(lists.resilience_tests, |test| test.tested_at),
            certificates: lists.certificates,
            vulnerabilities,
            changes: sorted(lists.changes, |change| change.implemented_at),
            surveys: sorted(lists.surveys, |survey| survey.responded_at),
            availability,
            uptime,
            outages,
            accounts: lists.accounts,
            sources: lists.sources,
        }
    }
}
