//! The raw records synced from providers' tools. Every record carries its
//! provenance so that every figure computed from it can be traced back.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::DomainPosture;

/// Where a record came from: the source, the record's own id there, and
/// when Sightline fetched it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub source_id: String,
    pub record_id: String,
    pub fetched_at: DateTime<Utc>,
}

/// A service-desk ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub provenance: Provenance,
    pub vendor_id: String,
    pub summary: String,
    /// Contract priority ("P1".."P4") after mapping; `None` when the source
    /// gave a priority the contract does not know.
    pub priority: Option<String>,
    pub created_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub assignee: Option<String>,
    pub resolved_by: Option<String>,
    pub status: String,
    /// Whether the ticket was reopened, where the source says so.
    pub reopened: Option<bool>,
    /// The provider's own verdict on the SLA, where its API gives one.
    pub vendor_reported_in_sla: Option<bool>,
    /// Minutes the resolution clock stood still (on hold, waiting on the
    /// customer), where the source records it.
    #[serde(default)]
    pub paused_minutes: Option<i64>,
    /// The source marks the ticket as outside the SLA (a project, a
    /// request the contract does not cover): it is left out of compliance.
    #[serde(default)]
    pub excluded_from_sla: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceRole {
    Workstation,
    Server,
    Network,
}

impl DeviceRole {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceRole::Workstation => "workstation",
            DeviceRole::Server => "server",
            DeviceRole::Network => "network",
        }
    }

    pub fn parse(text: &str) -> Option<DeviceRole> {
        [DeviceRole::Workstation, DeviceRole::Server, DeviceRole::Network]
            .into_iter()
            .find(|role| role.as_str() == text)
    }
}

/// Which kind of tool saw a device. The same computer seen by the
/// management tool, the endpoint protection and the vulnerability scanner
/// is one device seen three times; coverage compares the three.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Inventory {
    /// The provider's management tool (RMM): what it manages and patches.
    #[default]
    Management,
    /// Endpoint protection (EDR / antivirus console).
    Protection,
    /// A vulnerability scanner.
    Scanner,
}

impl Inventory {
    pub const ALL: [Inventory; 3] = [Inventory::Management, Inventory::Protection, Inventory::Scanner];

    pub fn as_str(self) -> &'static str {
        match self {
            Inventory::Management => "management",
            Inventory::Protection => "protection",
            Inventory::Scanner => "scanner",
        }
    }

    pub fn parse(text: &str) -> Option<Inventory> {
        Inventory::ALL.into_iter().find(|inventory| inventory.as_str() == text)
    }

    /// What the tool is, in words: "the management tool".
    pub fn tool(self) -> &'static str {
        match self {
            Inventory::Management => "the management tool",
            Inventory::Protection => "endpoint protection",
            Inventory::Scanner => "the vulnerability scanner",
        }
    }
}

/// A device as one tool sees it: one the provider manages (or internal
/// IT), or one endpoint protection or a scanner knows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    pub provenance: Provenance,
    pub vendor_id: String,
    pub name: String,
    pub role: DeviceRole,
    pub managed: bool,
    /// When the device entered management; compliance at a past period end
    /// counts only devices enrolled by then.
    pub enrolled_at: DateTime<Utc>,
    /// Whether endpoint protection reports healthy, where known.
    pub protection_ok: Option<bool>,
    /// When the tool last heard from the device, where it says.
    #[serde(default)]
    pub last_seen: Option<DateTime<Utc>>,
    /// Which kind of tool this record comes from.
    #[serde(default)]
    pub seen_by: Inventory,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatchClass {
    Critical,
    Security,
    Other,
}

impl PatchClass {
    pub fn as_str(self) -> &'static str {
        match self {
            PatchClass::Critical => "critical",
            PatchClass::Security => "security",
            PatchClass::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<PatchClass> {
        [PatchClass::Critical, PatchClass::Security, PatchClass::Other].into_iter().find(|class| class.as_str() == text)
    }
}

/// One patch that a device needed: missing since `missing_since`, installed
/// at `installed_at` (or still missing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Patch {
    pub provenance: Provenance,
    pub vendor_id: String,
    /// The device's record id in the same source.
    pub device_id: String,
    pub title: String,
    pub class: PatchClass,
    pub missing_since: DateTime<Utc>,
    pub installed_at: Option<DateTime<Utc>>,
}

/// One run of a backup job for one protected system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupJob {
    pub provenance: Provenance,
    pub vendor_id: String,
    pub system: String,
    pub started_at: DateTime<Utc>,
    pub succeeded: bool,
}

/// A test restore of one protected system from its backups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestoreTest {
    pub provenance: Provenance,
    pub vendor_id: String,
    pub system: String,
    pub tested_at: DateTime<Utc>,
    pub succeeded: bool,
}

/// A failover or disaster-recovery exercise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResilienceTest {
    pub provenance: Provenance,
    pub vendor_id: String,
    pub name: String,
    pub tested_at: DateTime<Utc>,
    pub succeeded: bool,
}

/// A TLS certificate seen on one of the company's hosts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Certificate {
    pub provenance: Provenance,
    pub vendor_id: String,
    pub host: String,
    pub subject: String,
    pub issuer: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    /// Whether the chain is trusted and the name matches, where checked.
    pub trusted: Option<bool>,
    pub name_matches: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        [Severity::Low, Severity::Medium, Severity::High, Severity::Critical]
            .into_iter()
            .find(|severity| severity.as_str() == text)
    }
}

/// A vulnerability found on an asset, open until `fixed_at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vulnerability {
    pub provenance: Provenance,
    pub vendor_id: String,
    pub asset: String,
    pub title: String,
    pub severity: Severity,
    pub first_found: DateTime<Utc>,
    pub fixed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeOutcome {
    Successful,
    Failed,
    RolledBack,
}

impl ChangeOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeOutcome::Successful => "successful",
            ChangeOutcome::Failed => "failed",
            ChangeOutcome::RolledBack => "rolled_back",
        }
    }

    pub fn parse(text: &str) -> Option<ChangeOutcome> {
        [ChangeOutcome::Successful, ChangeOutcome::Failed, ChangeOutcome::RolledBack]
            .into_iter()
            .find(|outcome| outcome.as_str() == text)
    }
}

/// A change made to production systems.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub provenance: Provenance,
    pub vendor_id: String,
    pub title: String,
    pub implemented_at: DateTime<Utc>,
    pub outcome: ChangeOutcome,
    pub emergency: bool,
}

/// One answer to a satisfaction survey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Survey {
    pub provenance: Provenance,
    pub vendor_id: String,
    pub responded_at: DateTime<Utc>,
    pub satisfied: bool,
}

/// Up and down time of one monitored service over a window, as an uptime
/// monitor reports it or as one of Sightline's own probes found it (a
/// probe's sample stands for the time until the next sample, at most its
/// interval).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Availability {
    pub provenance: Provenance,
    pub vendor_id: String,
    pub monitor: String,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    pub up_seconds: i64,
    pub down_seconds: i64,
    /// The HTTP status the service answered with, where a probe asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// How long the answer took, where a probe timed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u32>,
    /// Why the service counted as down, in words ("answered 503", "no
    /// answer within 10 seconds", "its certificate is for another name").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A sign-in account in the company's own directory (Microsoft Entra ID),
/// as it stood when the directory was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub provenance: Provenance,
    pub vendor_id: String,
    /// The sign-in name (`user@example.com`).
    pub user: String,
    pub display_name: String,
    pub enabled: bool,
    /// Holds an administrator role.
    pub admin: bool,
    /// Whether a second factor is registered, where the directory says.
    pub mfa_registered: Option<bool>,
    /// The last interactive or non-interactive sign-in, where known.
    pub last_sign_in: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
    /// The vendor whose staff the account belongs to (by its domain), if any.
    pub provider: Option<String>,
}

/// The kinds of record, one per list of a [`RecordBatch`] (and one table
/// of the cache each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Ticket,
    Device,
    Patch,
    Backup,
    RestoreTest,
    ResilienceTest,
    Certificate,
    Vulnerability,
    Change,
    Survey,
    Availability,
    Account,
    Domain,
}

impl RecordKind {
    pub const ALL: [RecordKind; 13] = [
        RecordKind::Ticket,
        RecordKind::Device,
        RecordKind::Patch,
        RecordKind::Backup,
        RecordKind::RestoreTest,
        RecordKind::ResilienceTest,
        RecordKind::Certificate,
        RecordKind::Vulnerability,
        RecordKind::Change,
        RecordKind::Survey,
        RecordKind::Availability,
        RecordKind::Account,
        RecordKind::Domain,
    ];
}

/// Everything one source run produced. The sync engine (and the demo
/// generator) hand a whole batch to the store, which applies it in one
/// transaction.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RecordBatch {
    pub tickets: Vec<Ticket>,
    pub devices: Vec<Device>,
    pub patches: Vec<Patch>,
    pub backups: Vec<BackupJob>,
    pub restore_tests: Vec<RestoreTest>,
    pub resilience_tests: Vec<ResilienceTest>,
    pub certificates: Vec<Certificate>,
    pub vulnerabilities: Vec<Vulnerability>,
    pub changes: Vec<Change>,
    pub surveys: Vec<Survey>,
    pub availability: Vec<Availability>,
    #[serde(default)]
    pub accounts: Vec<Account>,
    #[serde(default)]
    pub domains: Vec<DomainPosture>,
}

impl RecordBatch {
    pub fn len(&self) -> usize {
        self.tickets.len()
            + self.devices.len()
            + self.patches.len()
            + self.backups.len()
            + self.restore_tests.len()
            + self.resilience_tests.len()
            + self.certificates.len()
            + self.vulnerabilities.len()
            + self.changes.len()
            + self.surveys.len()
            + self.availability.len()
            + self.accounts.len()
            + self.domains.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Only the records of `kinds`, and of one vendor where one is given:
    /// what a figure of that vendor reading those kinds sees.
    pub fn only(&self, kinds: &[RecordKind], vendor: Option<&str>) -> RecordBatch {
        fn keep<T: Clone>(wanted: bool, list: &[T], vendor_of: impl Fn(&T) -> &str, vendor: Option<&str>) -> Vec<T> {
            if !wanted {
                return Vec::new();
            }
            list.iter().filter(|item| vendor.is_none_or(|vendor| vendor_of(item) == vendor)).cloned().collect()
        }
        let wants = |kind| kinds.contains(&kind);
        RecordBatch {
            tickets: keep(wants(RecordKind::Ticket), &self.tickets, |r| &r.vendor_id, vendor),
            devices: keep(wants(RecordKind::Device), &self.devices, |r| &r.vendor_id, vendor),
            patches: keep(wants(RecordKind::Patch), &self.patches, |r| &r.vendor_id, vendor),
            backups: keep(wants(RecordKind::Backup), &self.backups, |r| &r.vendor_id, vendor),
            restore_tests: keep(wants(RecordKind::RestoreTest), &self.restore_tests, |r| &r.vendor_id, vendor),
            resilience_tests: keep(wants(RecordKind::ResilienceTest), &self.resilience_tests, |r| &r.vendor_id, vendor),
            certificates: keep(wants(RecordKind::Certificate), &self.certificates, |r| &r.vendor_id, vendor),
            vulnerabilities: keep(wants(RecordKind::Vulnerability), &self.vulnerabilities, |r| &r.vendor_id, vendor),
            changes: keep(wants(RecordKind::Change), &self.changes, |r| &r.vendor_id, vendor),
            surveys: keep(wants(RecordKind::Survey), &self.surveys, |r| &r.vendor_id, vendor),
            availability: keep(wants(RecordKind::Availability), &self.availability, |r| &r.vendor_id, vendor),
            accounts: keep(wants(RecordKind::Account), &self.accounts, |r| &r.vendor_id, vendor),
            domains: keep(wants(RecordKind::Domain), &self.domains, |r| &r.vendor_id, vendor),
        }
    }

    /// Moves every record of `other` into `self`.
    pub fn extend(&mut self, other: RecordBatch) {
        self.tickets.extend(other.tickets);
        self.devices.extend(other.devices);
        self.patches.extend(other.patches);
        self.backups.extend(other.backups);
        self.restore_tests.extend(other.restore_tests);
        self.resilience_tests.extend(other.resilience_tests);
        self.certificates.extend(other.certificates);
        self.vulnerabilities.extend(other.vulnerabilities);
        self.changes.extend(other.changes);
        self.surveys.extend(other.surveys);
        self.availability.extend(other.availability);
        self.accounts.extend(other.accounts);
        self.domains.extend(other.domains);
    }
}
