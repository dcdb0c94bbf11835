//! A source as `sightline.toml` describes it. One flat table for every
//! kind, so that an unknown key is caught by the parser with its line; which
//! keys a kind needs and allows is checked by [`SourceConfig::check`].

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Connectwise,
    Autotask,
    Halopsa,
    Ninjaone,
    Servicenow,
    Tls,
    Csv,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Connectwise => "connectwise",
            SourceKind::Autotask => "autotask",
            SourceKind::Halopsa => "halopsa",
            SourceKind::Ninjaone => "ninjaone",
            SourceKind::Servicenow => "servicenow",
            SourceKind::Tls => "tls",
            SourceKind::Csv => "csv",
        }
    }

    /// The system's name as people know it.
    pub fn display_name(self) -> &'static str {
        match self {
            SourceKind::Connectwise => "ConnectWise PSA",
            SourceKind::Autotask => "Autotask PSA",
            SourceKind::Halopsa => "HaloPSA",
            SourceKind::Ninjaone => "NinjaOne",
            SourceKind::Servicenow => "ServiceNow",
            SourceKind::Tls => "TLS certificate check",
            SourceKind::Csv => "CSV file",
        }
    }

    /// What `secret set` expects for this kind, or `None` when the kind
    /// needs no credentials.
    pub fn secret_form(self) -> Option<&'static str> {
        match self {
            SourceKind::Connectwise => Some("PUBLIC_KEY:PRIVATE_KEY"),
            SourceKind::Autotask => Some("USERNAME:SECRET"),
            SourceKind::Halopsa | SourceKind::Ninjaone => Some("CLIENT_ID:CLIENT_SECRET"),
            SourceKind::Servicenow => Some("USER:PASSWORD"),
            SourceKind::Tls | SourceKind::Csv => None,
        }
    }

    /// The keys this kind needs, then the optional ones it allows (besides
    /// the common `id`, `kind`, `vendor`, `name`, `full_every_hours`).
    fn keys(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            SourceKind::Connectwise => {
                (&["base_url", "company_id", "client_id"], &["priority_map", "page_size", "max_pages"])
            }
            SourceKind::Autotask => (&["integration_code"], &["base_url", "priority_map", "page_size", "max_pages"]),
            SourceKind::Halopsa => (&["base_url"], &["auth_url", "tenant", "priority_map", "page_size", "max_pages"]),
            SourceKind::Ninjaone => (&["base_url"], &["page_size", "max_pages"]),
            SourceKind::Servicenow => (&["base_url"], &["priority_map", "page_size", "max_pages"]),
            SourceKind::Tls => (&["hosts"], &["ca_file"]),
            SourceKind::Csv => (&["path", "record"], &["priority_map"]),
        }
    }
}

/// Which kind of record a CSV file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CsvRecord {
    Tickets,
    Devices,
    Backups,
    Vulnerabilities,
    Changes,
    Surveys,
}

/// One `[[source]]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// Lowercase slug, unique.
    pub id: String,
    pub kind: SourceKind,
    /// The vendor whose work this source records.
    pub vendor: String,
    /// A display name; defaults to the kind's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The API's base URL: HTTPS, or plain HTTP to this machine only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// ConnectWise: the company id used to log in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<String>,
    /// ConnectWise: the integration's client id (not secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Autotask: the API tracking identifier (integration code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_code: Option<String>,
    /// HaloPSA: the token endpoint, when not `<base_url>/auth/token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_url: Option<String>,
    /// HaloPSA: the tenant, for hosted instances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// TLS: the hosts to check, as `name:port`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    /// TLS: extra CA certificates (PEM) to trust besides the system's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// CSV: the file, absolute or relative to the configuration file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    /// CSV: what the rows are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<CsvRecord>,
    /// Source priority name -> contract priority ("P1".."P4").
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub priority_map: BTreeMap<String, String>,
    /// Records per page, where the API lets the caller choose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    /// A guard against a listing that never ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pages: Option<u32>,
    /// How often an incremental source is read in full to catch deletions
    /// (default 24).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_every_hours: Option<u32>,
}

impl SourceConfig {
    pub fn display_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.kind.display_name().to_string())
    }

    /// Which of the kind-specific keys are set.
    fn present(&self) -> Vec<&'static str> {
        let mut keys = Vec::new();
        let mut mark = |set: bool, key: &'static str| {
            if set {
                keys.push(key);
            }
        };
        mark(self.base_url.is_some(), "base_url");
        mark(self.company_id.is_some(), "company_id");
        mark(self.client_id.is_some(), "client_id");
        mark(self.integration_code.is_some(), "integration_code");
        mark(self.auth_url.is_some(), "auth_url");
        mark(self.tenant.is_some(), "tenant");
        mark(!self.hosts.is_empty(), "hosts");
        mark(self.ca_file.is_some(), "ca_file");
        mark(self.path.is_some(), "path");
        mark(self.record.is_some(), "record");
        mark(!self.priority_map.is_empty(), "priority_map");
        mark(self.page_size.is_some(), "page_size");
        mark(self.max_pages.is_some(), "max_pages");
        keys
    }

    /// Checks the keys against the kind: every problem as a phrase that
    /// says what to change.
    pub fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let kind = self.kind.as_str();
        let (required, optional) = self.kind.keys();
        let present = self.present();
        for key in required {
            if !present.contains(key) {
                problems.push(format!("a {kind} source needs `{key}`: add it"));
            }
        }
        for key in &present {
            if !required.contains(key) && !optional.contains(key) {
                problems.push(format!("`{key}` is not a setting of a {kind} source: remove it"));
            }
        }
        for url in [&self.base_url, &self.auth_url].into_iter().flatten() {
            if let Err(problem) = crate::http::check_url(url) {
                problems.push(problem);
            }
        }
        for host in &self.hosts {
            if crate::tls::split_host(host).is_none() {
                problems.push(format!("the host '{host}' is not in the form name:port (e.g. www.example.com:443)"));
            }
        }
        for (from, to) in &self.priority_map {
            if !crate::priority::is_contract_priority(to) {
                problems.push(format!(
                    "priority_map sends '{from}' to '{to}', which is not a contract priority: use P1, P2, P3 or P4"
                ));
            }
        }
        if self.page_size == Some(0) || self.max_pages == Some(0) {
            problems.push("page_size and max_pages must be at least 1".into());
        }
        problems
    }
}
