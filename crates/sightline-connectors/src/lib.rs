//! Connectors: one module per source system. Each knows its system's auth,
//! paging, rate limit and field names, and maps what it fetches to domain
//! records with provenance. Connectors never touch the cache: they return a
//! [`Fetched`] batch that the sync engine applies in one transaction.
//!
//! A connector is one module that exports a `SPEC` ([`SourceSpec`]) and one
//! line in `connectors!` below: that line both declares the module and
//! registers its kind.

mod http;
mod limit;
mod microsoft;
mod monitoring;
mod priority;
mod redact;
mod source;

/// Declares each connector module and registers its `SPEC`, in the order
/// the Sources screen offers them.
macro_rules! connectors {
    ($($module:ident),* $(,)?) => {
        $(pub mod $module;)*
        /// Every kind of source, one entry per connector.
        pub(crate) static SPECS: &[&SourceSpec] = &[$(&$module::SPEC),*];
    };
}

connectors! {
    connectwise,
    autotask,
    halopsa,
    ninjaone,
    dattormm,
    defender,
    tenable,
    entra,
    servicenow,
    jsm,
    prometheus,
    uptimerobot,
    uptimekuma,
    probe,
    tls,
    domain,
    csv_import,
}

use chrono::{DateTime, Utc};
use sightline_domain::{BusinessHours, RecordBatch, Secret, SlaTarget};

pub use csv_import::CsvRecord;
pub use http::{FetchError, FetchErrorKind, HttpOptions, RetryPolicy};
pub use priority::map_priority;
pub use source::{
    BASE_URL, FetchFn, FetchFuture, Field, FieldForm, MAX_PAGES, PAGE_SIZE, PRIORITY_MAP, Setting, SourceConfig,
    SourceKind, SourceSpec,
};

/// What a sync run asks of a connector.
#[derive(Debug)]
pub struct FetchRequest<'a> {
    pub source: &'a SourceConfig,
    /// The source's credentials from the keychain, where the kind needs them.
    pub secret: Option<&'a Secret>,
    /// Only records changed since this moment (an incremental run); `None`
    /// reads everything (a full run, which also catches deletions).
    pub since: Option<DateTime<Utc>>,
    /// The run's "now": stamped on every record as its fetched-at.
    pub now: DateTime<Utc>,
    pub http: &'a HttpOptions,
    /// What a file source held at its last successful read
    /// ([`Fetched::content`]), where its settings have not changed since:
    /// a file found the same is reported unchanged and not parsed.
    pub known_content: Option<&'a str>,
}

/// What a connector brought back.
#[derive(Debug, Default)]
pub struct Fetched {
    pub batch: RecordBatch,
    /// True when `batch` is everything the source holds (replace), false
    /// when it holds only what changed since `since` (merge).
    pub full: bool,
    /// Where the next incremental run starts: the latest "last updated"
    /// time seen, when the source has one.
    pub watermark: Option<DateTime<Utc>>,
    /// SLA targets the source itself defines (ConnectWise SLAs), used where
    /// the configuration names none.
    pub sla: Vec<SlaTarget>,
    /// The business hours of the source's own SLA calendar (ConnectWise's
    /// custom calendar), used where the configuration sets none.
    pub sla_hours: Option<BusinessHours>,
    /// Records the connector had to leave out, in plain words (a bad CSV
    /// row, a ticket with no creation date).
    pub warnings: Vec<String>,
    pub requests: u32,
    pub pages: u32,
    /// A file source's content fingerprint (its SHA-256), kept to tell an
    /// unchanged file at the next read.
    pub content: Option<String>,
    /// The file is exactly what it was at the last successful read:
    /// `batch` is empty and nothing is to be written.
    pub unchanged: bool,
    /// The batch is a snapshot of what is missing or open now, its
    /// "missing since" and "first found" times when the source looked:
    /// the store keeps each record's earliest sighting, and closes (rather
    /// than forgets) what a full read no longer lists.
    pub snapshot: bool,
}

/// What a running fetch reports, for progress bars and progress lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub source_id: String,
    pub phase: Phase,
    pub records: usize,
    pub pages: u32,
}

impl Progress {
    /// A fetch under way: records and pages read so far.
    pub fn fetching(source_id: &str, records: usize, pages: u32) -> Progress {
        Progress { source_id: source_id.to_string(), phase: Phase::Fetching, records, pages }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Connecting,
    Fetching,
    Applying,
    Done,
    Failed,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Connecting => "connecting",
            Phase::Fetching => "fetching",
            Phase::Applying => "applying",
            Phase::Done => "done",
            Phase::Failed => "failed",
        }
    }
}

/// Receives progress; the sync engine forwards it to the CLI or the window.
pub type ProgressSink<'a> = &'a (dyn Fn(Progress) + Send + Sync);

/// Fetches one source with the connector its kind names.
pub async fn fetch(request: FetchRequest<'_>, progress: ProgressSink<'_>) -> Result<Fetched, FetchError> {
    progress(Progress { source_id: request.source.id.clone(), phase: Phase::Connecting, records: 0, pages: 0 });
    (request.source.kind.spec().fetch)(&request, progress).await
}

/// The stored credential as one secret (a client secret).
pub(crate) fn credential<'a>(request: &'a FetchRequest<'_>, what: &str) -> Result<&'a str, FetchError> {
    let source_id = &request.source.id;
    let secret = request.secret.map(|secret| secret.expose().trim()).filter(|secret| !secret.is_empty());
    secret.ok_or_else(|| {
        FetchError::config(
            source_id,
            format!(
                "no credentials are stored for {source_id}: run `sightline-cli secret set {source_id}` and enter {what}"
            ),
        )
    })
}

/// Splits a `NAME:SECRET` credential the way each kind documents it.
pub(crate) fn credential_pair<'a>(request: &'a FetchRequest<'_>, what: &str) -> Result<(&'a str, &'a str), FetchError> {
    let source_id = &request.source.id;
    let secret = request.secret.ok_or_else(|| {
        FetchError::config(
            source_id,
            format!(
                "no credentials are stored for {source_id}: run `sightline-cli secret set {source_id}` and enter {what}"
            ),
        )
    })?;
    secret.expose().split_once(':').filter(|(left, right)| !left.is_empty() && !right.is_empty()).ok_or_else(|| {
        FetchError::config(
            source_id,
            format!("the stored credentials for {source_id} are not in the form {what}: enter them again"),
        )
    })
}
