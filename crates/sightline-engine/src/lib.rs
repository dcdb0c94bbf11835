//! The KPI engine: computes every metric, one definition for every vendor,
//! from raw records. Pure: it takes records, contracts, settings and `now`,
//! and never reads the clock, the disk or the network.

mod metrics;
mod settings;
mod stats;

pub use metrics::{EngineInput, compute_metrics, status_for, target_for};
pub use settings::Settings;
pub use stats::percentile;
