//! Records grouped and sorted once per scope (a vendor, or all vendors), so
//! that each metric for each period touches only the records it needs:
//! binary searches over time-sorted lists instead of scans of everything.

use chrono::{DateTime, Duration, Utc};
use sightline_domain::{
    Availability, BackupJob, Certificate, Change, Device, Patch, PatchClass, RecordBatch, ResilienceTest, RestoreTest,
    Scope, SourceInfo, Survey, Ticket, Vulnerability,
};

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

/// The records of one scope, sorted by the time each metric looks at.
#[derive(Debug)]
pub(crate) struct ScopeIndex<'a> {
    pub tickets_by_created: Vec<&'a Ticket>,
    pub tickets_by_resolved: Vec<&'a Ticket>,
    pub open_tickets: Intervals<'a, Ticket>,
    pub devices: Vec<&'a Device>,
    /// Critical and security patches only: the ones compliance is about.
    pub security_patches: Intervals<'a, Patch>,
    pub backups: Vec<&'a BackupJob>,
    pub restore_tests: Vec<&'a RestoreTest>,
    pub resilience_tests: Vec<&'a ResilienceTest>,
    pub certificates: Vec<&'a Certificate>,
    pub vulnerabilities: Intervals<'a, Vulnerability>,
    pub changes: Vec<&'a Change>,
    pub surveys: Vec<&'a Survey>,
    pub availability: Vec<&'a Availability>,
    pub sources: Vec<&'a SourceInfo>,
}

/// The slice of a time-sorted list whose key falls in [from, to).
pub(crate) fn in_range<'s, T>(
    items: &'s [&'s T],
    key: impl Fn(&T) -> DateTime<Utc>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> &'s [&'s T] {
    let start = items.partition_point(|item| key(item) < from);
    let end = items.partition_point(|item| key(item) < to);
    &items[start..end.max(start)]
}

impl<'a> ScopeIndex<'a> {
    pub fn new(scope: &Scope, records: &'a RecordBatch, sources: &'a [SourceInfo]) -> ScopeIndex<'a> {
        let wanted = |vendor_id: &str| match scope {
            Scope::All => true,
            Scope::Vendor(id) => id == vendor_id,
        };
        let mut tickets_by_created: Vec<&Ticket> = records.tickets.iter().filter(|t| wanted(&t.vendor_id)).collect();
        tickets_by_created.sort_by_key(|ticket| ticket.created_at);
        let mut tickets_by_resolved: Vec<&Ticket> =
            tickets_by_created.iter().copied().filter(|ticket| ticket.resolved_at.is_some()).collect();
        tickets_by_resolved.sort_by_key(|ticket| ticket.resolved_at);
        let open_tickets =
            Intervals::new(tickets_by_created.iter().map(|ticket| (ticket.created_at, ticket.resolved_at, *ticket)));
        let security_patches = Intervals::new(
            records
                .patches
                .iter()
                .filter(|patch| wanted(&patch.vendor_id))
                .filter(|patch| matches!(patch.class, PatchClass::Critical | PatchClass::Security))
                .map(|patch| (patch.missing_since, patch.installed_at, patch)),
        );
        let vulnerabilities = Intervals::new(
            records
                .vulnerabilities
                .iter()
                .filter(|vulnerability| wanted(&vulnerability.vendor_id))
                .map(|vulnerability| (vulnerability.first_found, vulnerability.fixed_at, vulnerability)),
        );
        fn sorted<'r, T>(items: impl Iterator<Item = &'r T>, key: impl Fn(&T) -> DateTime<Utc>) -> Vec<&'r T> {
            let mut items: Vec<&T> = items.collect();
            items.sort_by_key(|item| key(item));
            items
        }
        ScopeIndex {
            tickets_by_created,
            tickets_by_resolved,
            open_tickets,
            devices: records.devices.iter().filter(|device| wanted(&device.vendor_id)).collect(),
            security_patches,
            backups: sorted(records.backups.iter().filter(|job| wanted(&job.vendor_id)), |job| job.started_at),
            restore_tests: sorted(records.restore_tests.iter().filter(|test| wanted(&test.vendor_id)), |test| {
                test.tested_at
            }),
            resilience_tests: sorted(records.resilience_tests.iter().filter(|test| wanted(&test.vendor_id)), |test| {
                test.tested_at
            }),
            certificates: records.certificates.iter().filter(|cert| wanted(&cert.vendor_id)).collect(),
            vulnerabilities,
            changes: sorted(records.changes.iter().filter(|change| wanted(&change.vendor_id)), |change| {
                change.implemented_at
            }),
            surveys: sorted(records.surveys.iter().filter(|survey| wanted(&survey.vendor_id)), |survey| {
                survey.responded_at
            }),
            availability: sorted(records.availability.iter().filter(|window| wanted(&window.vendor_id)), |window| {
                window.window_start
            }),
            sources: sources.iter().filter(|source| wanted(&source.vendor_id)).collect(),
        }
    }
}
