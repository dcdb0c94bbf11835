//! The built-in demo company: an invented 200-person logistics firm, its
//! four IT providers and two years of records ending at `now`, generated
//! deterministically from a fixed seed. Planted problems give the product
//! something true to say: a slipping response SLA at the MSP, a certificate
//! expiring in 12 days, no restore test in over 200 days, one engineer
//! closing about 70% of the MSP's tickets, a critical vulnerability open for
//! 45 days and patch compliance under 90% at the hosting vendor.
//!
//! The generator is pure; the caller writes its output through the same
//! store API as real data.

mod generate;
mod onfile;
mod scale;

pub use generate::{
    CERT_HOST_EXPIRING, COMPANY_NAME, DemoCompany, KEY_ENGINEER, MSP_HOURS, SEED, generate, msp_holiday,
};
pub use onfile::{DemoDocument, DemoOnFile, on_file};
pub use scale::{SCALE_SOURCE_KINDS, Scale, ScaleCompany, scale_company};
