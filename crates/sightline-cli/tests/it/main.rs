//! The integration tests of sightline-cli, in one binary: on two cores
//! linking is most of a test build, so every file here is a module.

mod backup;
mod cli;
mod faults;
mod report;
mod signing;
mod sync;
