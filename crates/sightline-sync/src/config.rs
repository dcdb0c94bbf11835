//! `sightline.toml`: the company's vendors, contracted targets, business
//! services and sources. Secrets never go in it. Every problem is reported
//! with the file, the line and what to change, and nothing is synced from a
//! file with problems.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sightline_connectors::{FieldForm, Setting, SourceConfig};
use sightline_domain::{
    BusinessHours, Contract, ContractTerms, Service, ServiceCredits, SlaClock, SlaTarget, SourceInfo, Vendor,
    VendorKind,
};
use sightline_store::Company;
use toml::Spanned;

/// The file's name inside a data directory.
pub const CONFIG_FILE: &str = "sightline.toml";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorConfig {
    pub id: String,
    pub name: String,
    pub kind: VendorKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_cost: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_review: Option<NaiveDate>,
    /// Share of tickets that must meet their targets (default 95).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliance_target_pct: Option<f64>,
    /// The contract's business hours, e.g. "Mon-Fri 08:00-18:00" (none:
    /// round the clock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<BusinessHours>,
    /// Days on which the business clock stands still.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<NaiveDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sla: Vec<SlaConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits: Option<ServiceCredits>,
    /// The share of time the provider's services must be up, e.g. 99.9.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uptime_target_pct: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaConfig {
    pub priority: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respond_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolve_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<NaiveDate>,
    /// "24x7" or "business" (default: business when the vendor has hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<SlaClock>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub critical: bool,
    pub vendors: Vec<String>,
    /// The share of time the service must be up, e.g. 99.9.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uptime_target_pct: Option<f64>,
    /// The probes and monitors that say whether it is up: a source id, or
    /// `source-id:monitor` for one of its monitors (a website check's
    /// address, a monitor's name).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monitors: Vec<String>,
}

/// The file as written, with where each table starts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    company: Option<String>,
    timezone: Option<Spanned<String>>,
    #[serde(default)]
    vendor: Vec<Spanned<VendorConfig>>,
    #[serde(default)]
    service: Vec<Spanned<ServiceConfig>>,
    #[serde(default)]
    source: Vec<Spanned<SourceConfig>>,
}

/// A checked configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Where it was read from; relative paths in it are relative to here.
    pub path: PathBuf,
    pub company: String,
    pub timezone: String,
    pub vendors: Vec<VendorConfig>,
    pub services: Vec<ServiceConfig>,
    pub sources: Vec<SourceConfig>,
}

/// Everything wrong with a configuration file, one line per problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", problems.join("\n"))]
pub struct ConfigError {
    pub problems: Vec<String>,
}

fn line_of(text: &str, span: &Range<usize>) -> usize {
    text[..span.start.min(text.len())].bytes().filter(|byte| *byte == b'\n').count() + 1
}

fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-' || byte == b'_')
        && id.as_bytes()[0].is_ascii_alphanumeric()
}

impl Config {
    /// Reads and checks `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError {
            problems: vec![format!("could not read the configuration {}: {error}", path.display())],
        })?;
        Config::parse(&text, path)
    }

    /// Checks `text` as the configuration at `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let raw: RawConfig = toml::from_str(text).map_err(|error| {
            let at = error.span().map(|span| format!(" line {}", line_of(text, &span))).unwrap_or_default();
            let message = error.message().trim_end_matches('\n').replace('\n', "; ");
            ConfigError { problems: vec![format!("{file}{at}: {message}")] }
        })?;
        if raw.company.is_none() && raw.vendor.is_empty() && raw.source.is_empty() && raw.service.is_empty() {
            // An emptied file (a failed save, a truncated copy) must not be
            // read as "the company has no vendors and no sources".
            return Err(ConfigError {
                problems: vec![format!(
                    "{file}: the configuration is empty (no company, vendors or sources), so nothing was changed; if \
                     it was emptied by mistake, restore it, otherwise name the company and its vendors (the README \
                     shows how)"
                )],
            });
        }
        let mut problems = Vec::new();
        let mut problem = |span: &Range<usize>, what: String| {
            problems.push(format!("{file} line {}: {what}", line_of(text, span)));
        };

        let timezone = match &raw.timezone {
            Some(zone) => {
                if zone.get_ref().parse::<chrono_tz::Tz>().is_err() {
                    problem(
                        &zone.span(),
                        format!(
                            "the timezone '{}' is unknown: use a name such as Europe/London or America/New_York",
                            zone.get_ref()
                        ),
                    );
                }
                zone.get_ref().clone()
            }
            None => "UTC".to_string(),
        };

        let mut vendor_ids = HashSet::new();
        for vendor in &raw.vendor {
            let span = vendor.span();
            let vendor = vendor.get_ref();
            if !is_slug(&vendor.id) {
                problem(
                    &span,
                    format!("the vendor id '{}' must be a lowercase slug (letters, digits, - and _)", vendor.id),
                );
            }
            if !vendor_ids.insert(vendor.id.clone()) {
                problem(&span, format!("the vendor id '{}' is used twice: give each vendor its own id", vendor.id));
            }
            if let Some(pct) = vendor.compliance_target_pct.filter(|pct| !(0.0..=100.0).contains(pct)) {
                problem(&span, format!("compliance_target_pct is {pct}: write a percentage between 0 and 100"));
            }
            let mut seen = HashSet::new();
            for target in &vendor.sla {
                if !matches!(target.priority.as_str(), "P1" | "P2" | "P3" | "P4") {
                    problem(
                        &span,
                        format!(
                            "vendor '{}' has an SLA for priority '{}': use P1, P2, P3 or P4",
                            vendor.id, target.priority
                        ),
                    );
                }
                if !seen.insert((target.priority.clone(), target.effective_from)) {
                    problem(
                        &span,
                        format!(
                            "vendor '{}' has two SLA targets for {} from the same date: keep one, or give the newer one \
                             an effective_from",
                            vendor.id, target.priority
                        ),
                    );
                }
                for minutes in [target.respond_minutes, target.resolve_minutes].into_iter().flatten() {
                    if minutes <= 0 {
                        problem(&span, format!("vendor '{}': SLA minutes must be more than 0", vendor.id));
                    }
                }
                if target.clock == Some(SlaClock::Business) && vendor.hours.is_none() {
                    problem(
                        &span,
                        format!(
                            "vendor '{}': the {} target runs on the business clock, but the vendor has no hours: add \
                             hours = \"Mon-Fri 08:00-18:00\" (the contract's hours) or use clock = \"24x7\"",
                            vendor.id, target.priority
                        ),
                    );
                }
            }
            if !vendor.holidays.is_empty() && vendor.hours.is_none() {
                problem(
                    &span,
                    format!(
                        "vendor '{}' has holidays but no business hours: holidays only stop a business clock; add \
                         hours = \"Mon-Fri 08:00-18:00\" (the contract's hours)",
                        vendor.id
                    ),
                );
            }
            if vendor.uptime_target_pct.is_some_and(|pct| !(pct > 0.0 && pct <= 100.0)) {
                problem(&span, format!("vendor '{}': uptime_target_pct must be a percentage, such as 99.9", vendor.id));
            }
            if let Some(credits) = vendor.credits {
                if !(credits.percent_per_point >= 0.0 && (0.0..=100.0).contains(&credits.cap_percent)) {
                    problem(
                        &span,
                        format!(
                            "vendor '{}': credits need percent_per_point of 0 or more and cap_percent between 0 and 100",
                            vendor.id
                        ),
                    );
                }
                if vendor.monthly_cost.is_none() {
                    problem(
                        &span,
                        format!(
                            "vendor '{}' has service credits but no monthly_cost: credits are a share of it, so add \
                             monthly_cost",
                            vendor.id
                        ),
                    );
                }
            }
        }

        let mut service_ids = HashSet::new();
        let configured_sources: HashSet<&str> = raw.source.iter().map(|source| source.get_ref().id.as_str()).collect();
        for service in &raw.service {
            let span = service.span();
            let service = service.get_ref();
            if !is_slug(&service.id) || !service_ids.insert(service.id.clone()) {
                problem(&span, format!("the service id '{}' must be a unique lowercase slug", service.id));
            }
            if service.uptime_target_pct.is_some_and(|pct| !(pct > 0.0 && pct <= 100.0)) {
                problem(
                    &span,
                    format!("service '{}': uptime_target_pct must be a percentage, such as 99.9", service.id),
                );
            }
            for monitor in &service.monitors {
                let source = monitor.split_once(':').map_or(monitor.as_str(), |(source, _)| source);
                if !configured_sources.contains(source) {
                    problem(
                        &span,
                        format!(
                            "service '{}' is watched by the source '{source}', which is not defined: add a \
                             [[source]] with id = \"{source}\" or correct the name",
                            service.id
                        ),
                    );
                }
            }
            for vendor in &service.vendors {
                if !vendor_ids.contains(vendor) {
                    problem(
                        &span,
                        format!(
                            "service '{}' depends on the vendor '{vendor}', which is not defined: add a [[vendor]] with \
                             id = \"{vendor}\" or correct the name",
                            service.id
                        ),
                    );
                }
            }
        }

        let mut source_ids = HashSet::new();
        let base = path.parent().unwrap_or(Path::new("."));
        let mut sources = Vec::new();
        for source in raw.source {
            let span = source.span();
            let mut source = source.into_inner();
            if !is_slug(&source.id) {
                problem(
                    &span,
                    format!("the source id '{}' must be a lowercase slug (letters, digits, - and _)", source.id),
                );
            }
            if !source_ids.insert(source.id.clone()) {
                problem(&span, format!("the source id '{}' is used twice: give each source its own id", source.id));
            }
            if !vendor_ids.contains(&source.vendor) {
                problem(
                    &span,
                    format!(
                        "source '{}' names the vendor '{}', which is not defined: add a [[vendor]] with id = \"{}\" or \
                         correct the name",
                        source.id, source.vendor, source.vendor
                    ),
                );
            }
            for what in source.check() {
                problem(&span, format!("source '{}': {what}", source.id));
            }
            // A vendor named in a setting must exist.
            for field in source.kind.fields().iter().filter(|field| field.form == FieldForm::VendorDomains) {
                for vendor in
                    source.settings.get(field.key).and_then(Setting::map).into_iter().flat_map(|map| map.values())
                {
                    if !vendor_ids.contains(vendor) {
                        problem(
                            &span,
                            format!(
                                "source '{}': {} names the vendor '{vendor}', which is not defined: add a [[vendor]] \
                                 with id = \"{vendor}\" or correct the name",
                                source.id, field.key
                            ),
                        );
                    }
                }
            }
            // Files named in the configuration are relative to it.
            source.resolve_paths(base);
            sources.push(source);
        }

        if !problems.is_empty() {
            return Err(ConfigError { problems });
        }
        Ok(Config {
            path: path.to_path_buf(),
            company: raw.company.unwrap_or_else(|| "My company".to_string()),
            timezone,
            vendors: raw.vendor.into_iter().map(Spanned::into_inner).collect(),
            services: raw.service.into_iter().map(Spanned::into_inner).collect(),
            sources,
        })
    }

    pub fn source(&self, id: &str) -> Option<&SourceConfig> {
        self.sources.iter().find(|source| source.id == id)
    }

    /// The company as the cache keeps it. Where a vendor's contract names
    /// no SLA targets, those its sources define (`source_sla`) are used;
    /// where it sets no business hours, those of a source's own SLA
    /// calendar (`source_hours`).
    pub fn company(
        &self,
        source_sla: &std::collections::HashMap<String, Vec<SlaTarget>>,
        source_hours: &std::collections::HashMap<String, BusinessHours>,
    ) -> Company {
        let vendors = self
            .vendors
            .iter()
            .map(|vendor| Vendor {
                id: vendor.id.clone(),
                name: vendor.name.clone(),
                kind: vendor.kind,
                monthly_cost: vendor.monthly_cost,
                last_review: vendor.last_review,
            })
            .collect();
        let contracts = self
            .vendors
            .iter()
            .map(|vendor| {
                let mut sla: Vec<SlaTarget> = vendor
                    .sla
                    .iter()
                    .map(|target| SlaTarget {
                        priority: target.priority.clone(),
                        respond_minutes: target.respond_minutes,
                        resolve_minutes: target.resolve_minutes,
                        effective_from: target.effective_from,
                        clock: target.clock,
                    })
                    .collect();
                if sla.is_empty() {
                    let mut from_sources: BTreeMap<String, SlaTarget> = BTreeMap::new();
                    for source in self.sources.iter().filter(|source| source.vendor == vendor.id) {
                        for target in source_sla.get(&source.id).into_iter().flatten() {
                            from_sources.entry(target.priority.clone()).or_insert_with(|| target.clone());
                        }
                    }
                    sla = from_sources.into_values().collect();
                }
                Contract {
                    vendor_id: vendor.id.clone(),
                    sla,
                    compliance_target_pct: vendor.compliance_target_pct.unwrap_or(95.0),
                    terms: ContractTerms {
                        hours: vendor.hours.clone().or_else(|| {
                            self.sources
                                .iter()
                                .filter(|source| source.vendor == vendor.id)
                                .find_map(|source| source_hours.get(&source.id).cloned())
                        }),
                        holidays: vendor.holidays.clone(),
                        credits: vendor.credits,
                        uptime_target_pct: vendor.uptime_target_pct,
                    },
                }
            })
            .collect();
        let services = self
            .services
            .iter()
            .map(|service| Service {
                id: service.id.clone(),
                name: service.name.clone(),
                critical: service.critical,
                vendor_ids: service.vendors.clone(),
                uptime_target_pct: service.uptime_target_pct,
                monitor_sources: service.monitors.clone(),
            })
            .collect();
        let sources = self
            .sources
            .iter()
            .map(|source| SourceInfo {
                id: source.id.clone(),
                kind: source.kind.as_str().to_string(),
                vendor_id: source.vendor.clone(),
                name: source.display_name(),
                last_success_at: None,
                last_attempt_at: None,
                last_error: None,
                demo: false,
            })
            .collect();
        Company { name: self.company.clone(), demo: false, vendors, contracts, services, sources }
    }
}
