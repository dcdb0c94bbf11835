//! The integration tests of sightline-sync, in one binary: on two cores
//! linking is most of a test build, so every file here is a module.

mod config;
mod edit;
mod faults;
