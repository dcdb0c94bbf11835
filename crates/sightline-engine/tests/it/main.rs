//! The integration tests of sightline-engine, in one binary: on two cores
//! linking is most of a test build, so every file here is a module.

mod clocks;
mod contract;
mod demo;
mod metrics;
mod properties;
mod rules;
