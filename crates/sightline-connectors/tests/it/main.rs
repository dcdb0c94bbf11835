//! The integration tests of sightline-connectors, in one binary: on two cores
//! linking is most of a test build, so every file here is a module.

mod autotask;
mod csv_import;
mod dattormm;
mod defender;
mod domain;
mod entra;
mod halopsa;
mod jsm;
mod ninjaone;
mod probe;
mod prometheus;
mod redaction;
mod servicenow;
mod tenable;
mod tls;
mod uptimekuma;
mod uptimerobot;
