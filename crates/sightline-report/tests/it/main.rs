//! The integration tests of sightline-report, in one binary.

mod charts;
