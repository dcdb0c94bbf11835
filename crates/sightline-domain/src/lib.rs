//! Plain domain types shared by every part of Sightline: who the vendors are,
//! what they promised, the raw records synced from their tools, and the
//! periods and metric values computed from them. No I/O, no clock.

mod clock;
mod flag;
mod metric;
mod onfile;
mod period;
mod posture;
mod records;
mod secret;
mod vendor;

pub use chrono_tz::Tz;
pub use clock::{BusinessClock, Clock};
pub use flag::{Acknowledgement, EvidencePoint, FlagSeverity, FlagState, RiskFlag, StoredFlag};
pub use metric::{
    Area, Direction, Listing, MetricKey, MetricProvenance, MetricValue, Scope, Status, Unit, fixed, thousands,
    value_beside, value_text,
};
pub use onfile::{Action, ActionStatus, EvidenceDoc, EvidenceKind, SupplierReview};
pub use period::{Period, PeriodError, PeriodKind};
pub use posture::{DmarcPolicy, DomainPosture, Spoofing, dmarc_policy, is_dmarc, is_spf};
pub use records::{
    Account, Availability, BackupJob, Certificate, Change, ChangeOutcome, Device, DeviceRole, Inventory, Patch,
    PatchClass, Provenance, RecordBatch, RecordKind, ResilienceTest, RestoreTest, Severity, Survey, Ticket,
    Vulnerability,
};
pub use secret::Secret;
pub use vendor::{
    BusinessHours, Contract, ContractTerms, HoursSpan, Service, ServiceCredits, SlaClock, SlaTarget, SourceInfo,
    Vendor, VendorKind,
};
