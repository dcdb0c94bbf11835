//! Fakes and fixture builders shared by tests: fake vendor servers serving
//! responses in each vendor's documented shape, and a local TLS server with
//! a certificate of a chosen lifetime. Never used by shipped code.

pub mod connectwise;
pub mod dns;
pub mod ninjaone;
pub mod rdap;
pub mod site;
pub mod tls;
