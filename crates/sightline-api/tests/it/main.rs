//! The integration tests of sightline-api, in one binary: on two cores
//! linking is most of a test build, so every file here is a module.

mod screens;
mod sync;
