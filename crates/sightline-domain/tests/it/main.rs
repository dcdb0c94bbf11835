//! The integration tests of sightline-domain, in one binary.

mod format;
