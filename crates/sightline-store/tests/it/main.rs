//! The integration tests of sightline-store, in one binary: on two cores
//! linking is most of a test build, so every file here is a module.

mod cache;
mod migrations;
mod reports;
mod sync;
