//! The KPI and risk engine: computes every metric, one definition for every
//! vendor, from raw records, and evaluates the risk rules over them. Pure:
//! it takes records, contracts, settings and `now`, and never reads the
//! clock, the disk or the network.

mod coverage;
mod disputes;
mod index;
mod metrics;
mod onfile;
mod reconcile;
mod rules;
mod settings;
mod sla;
mod stats;
mod uptime;

pub use coverage::{Machine, Tools, group, machine_key, machines};
pub use disputes::{Dispute, DisputedTarget, dispute_of, disputes, duration_words};
pub use metrics::{
    Diagnostic, EngineInput, MetricsResult, TracedRecord, compute_metrics, compute_metrics_alone,
    compute_metrics_with_diagnostics, records_behind, status_for, target_for,
};
pub use onfile::{Impact, Likelihood, RULE_IMPACT, age_words, evidence_flags, grid_place, last_day};
pub use reconcile::reconcile;
pub use rules::{Assessment, assess, evaluate_rules, history_periods, periods_since};
pub use settings::Settings;
pub use sightline_domain::BusinessClock;
pub use sla::{Clocks, Judged, Leg, Unjudged, judge};
pub use stats::{linear_projection, percentile};
pub use uptime::{Measured, Outage, measured, outages_of, uptime_pct};
