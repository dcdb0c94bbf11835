//! The Sources screen: the company's vendors and sources as
//! `sightline.toml` describes them, edited in place; credentials go straight
//! to the keychain and are never read back; "Test connection" reads from a
//! source without keeping anything.

use chrono::NaiveDate;
use sightline_connectors::{FetchRequest, Field, FieldForm, HttpOptions, Setting, SourceConfig, SourceKind};
use sightline_domain::VendorKind;
use sightline_sync::{Config, ConfigError, VendorConfig};

use crate::dto::{
    Choice, ConnectionTest, FieldInput, SourceField, SourceInput, SourceKindChoice, SourceRow, SourcesView, VendorInput,
};
use crate::error::ErrorCode;
use crate::format::{age_text, thousands};
use crate::{ApiError, Sightline};

/// A kind as the form offers it: the settings it asks for, from the kind's
/// own description.
fn kind_choice(kind: SourceKind) -> SourceKindChoice {
    SourceKindChoice {
        kind: kind.as_str().into(),
        name: kind.display_name().into(),
        fields: kind.fields().iter().filter(|field| field.on_form).map(source_field).collect(),
        secret_form: kind.secret_form().map(str::to_string),
    }
}

fn source_field(field: &Field) -> SourceField {
    let (input, choices) = match field.form {
        FieldForm::Url => (FieldInput::Url, Vec::new()),
        FieldForm::Path => (FieldInput::File, Vec::new()),
        FieldForm::Hosts | FieldForm::Urls | FieldForm::Names | FieldForm::Resolvers => (FieldInput::Lines, Vec::new()),
        FieldForm::Choice(choices) => (
            FieldInput::Choice,
            choices.iter().map(|(id, name)| Choice { id: id.to_string(), name: name.to_string() }).collect(),
        ),
        FieldForm::Text | FieldForm::Count | FieldForm::PriorityMap | FieldForm::VendorDomains => {
            (FieldInput::Text, Vec::new())
        }
    };
    SourceField {
        key: field.key.into(),
        label: field.label.into(),
        hint: field.hint.into(),
        required: field.required,
        input,
        choices,
    }
}

/// "a.com, b.com\nc.com" as ["a.com", "b.com", "c.com"], without repeats.
fn entries(text: &str) -> Vec<String> {
    let mut entries: Vec<String> = Vec::new();
    for entry in text.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|entry| !entry.is_empty()) {
        if !entries.iter().any(|seen| seen == entry) {
            entries.push(entry.to_string());
        }
    }
    entries
}

fn config_problem(error: ConfigError) -> ApiError {
    ApiError { code: ErrorCode::Config, message: error.to_string() }
}

/// Reads a closed word (a kind of vendor) the way the file spells it.
fn word<T: serde::de::DeserializeOwned>(text: &str, what: &str, allowed: &str) -> Result<T, ApiError> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_string()))
        .map_err(|_| ApiError::invalid(format!("'{text}' is not a {what}: use one of {allowed}")))
}

fn optional(text: &Option<String>) -> Option<String> {
    text.as_deref().map(str::trim).filter(|text| !text.is_empty()).map(str::to_string)
}

/// A source as the form shows it: the settings it asks for.
fn input_of(source: &SourceConfig) -> SourceInput {
    let settings = source
        .kind
        .fields()
        .iter()
        .filter(|field| field.on_form)
        .filter_map(|field| {
            let text = match source.settings.get(field.key)? {
                Setting::Text(text) => text.clone(),
                Setting::Count(count) => count.to_string(),
                Setting::List(list) => list.join("\n"),
                Setting::Map(_) => return None,
            };
            Some((field.key.to_string(), text))
        })
        .collect();
    SourceInput {
        id: source.id.clone(),
        kind: source.kind.as_str().into(),
        vendor: source.vendor.clone(),
        name: source.name.clone(),
        settings,
    }
}

fn vendor_input(vendor: &VendorConfig) -> VendorInput {
    VendorInput {
        id: vendor.id.clone(),
        name: vendor.name.clone(),
        kind: vendor.kind.as_str().into(),
        monthly_cost: vendor.monthly_cost,
        last_review: vendor.last_review.map(|day| day.to_string()),
    }
}

impl Sightline {
    /// Writes the changed file's company into the cache.
    fn configured(&self, config: Result<Config, ConfigError>) -> Result<(), ApiError> {
        let config = config.map_err(config_problem)?;
        sightline_sync::configure(&self.store, &config)?;
        Ok(())
    }

    fn require_config(&self) -> Result<(), ApiError> {
        if self.config_path().exists() {
            Ok(())
        } else {
            Err(ApiError {
                code: ErrorCode::Config,
                message: "set up your company first: the demo company cannot be changed".into(),
            })
        }
    }

    /// The Sources screen: vendors, sources and their last sync.
    pub fn sources_view(&self) -> Result<SourcesView, ApiError> {
        let now = self.now();
        let company = self.store().load_company()?;
        let configured = self.config_path().exists();
        let (config, config_problem) = if configured {
            match self.config() {
                Ok(config) => (Some(config), None),
                Err(error) => (None, Some(error.message)),
            }
        } else {
            (None, None)
        };
        let vendor_name = |id: &str| {
            company.vendors.iter().find(|vendor| vendor.id == id).map_or_else(|| id.to_string(), |v| v.name.clone())
        };
        let status = |id: &str| company.sources.iter().find(|source| source.id == id);
        let records = self.store().record_counts()?;
        let sources = match &config {
            Some(config) => config
                .sources
                .iter()
                .map(|source| {
                    let info = status(&source.id);
                    Ok(SourceRow {
                        settings: input_of(source),
                        kind_name: source.kind.display_name().into(),
                        vendor_name: vendor_name(&source.vendor),
                        secret_form: source.kind.secret_form().map(str::to_string),
                        has_secret: source.kind.secret_form().is_some() && self.has_secret(&source.id)?,
                        last_sync_text: info
                            .and_then(|info| info.last_success_at)
                            .map_or_else(|| "never synced".into(), |at| format!("synced {}", age_text(at, now))),
                        last_error: info.and_then(|info| info.last_error.clone()),
                        records: records.get(&source.id).copied().unwrap_or(0),
                    })
                })
                .collect::<Result<Vec<_>, ApiError>>()?,
            None => company
                .sources
                .iter()
                .map(|info| SourceRow {
                    settings: SourceInput {
                        id: info.id.clone(),
                        kind: info.kind.clone(),
                        vendor: info.vendor_id.clone(),
                        name: Some(info.name.clone()),
                        ..SourceInput::default()
                    },
                    kind_name: if info.demo { "Demo data".into() } else { info.kind.clone() },
                    vendor_name: vendor_name(&info.vendor_id),
                    secret_form: None,
                    has_secret: false,
                    last_sync_text: info
                        .last_success_at
                        .map_or_else(|| "never synced".into(), |at| format!("synced {}", age_text(at, now))),
                    last_error: info.last_error.clone(),
                    records: records.get(&info.id).copied().unwrap_or(0),
                })
                .collect(),
        };
        let vendors = match &config {
            Some(config) => config.vendors.iter().map(vendor_input).collect(),
            None => company
                .vendors
                .iter()
                .map(|vendor| VendorInput {
                    id: vendor.id.clone(),
                    name: vendor.name.clone(),
                    kind: vendor.kind.as_str().into(),
                    monthly_cost: vendor.monthly_cost,
                    last_review: vendor.last_review.map(|day| day.to_string()),
                })
                .collect(),
        };
        Ok(SourcesView {
            company: company.name.clone(),
            demo: company.demo,
            configured,
            config_path: self.config_path().display().to_string(),
            config_problem,
            vendors,
            sources,
            kinds: SourceKind::all().map(kind_choice).collect(),
        })
    }

    /// Starts the company's own configuration, replacing the demo company.
    pub fn set_up_company(&self, company: &str, timezone: &str) -> Result<(), ApiError> {
        if company.trim().is_empty() {
            return Err(ApiError::invalid("the company needs a name"));
        }
        self.configured(sightline_sync::create_config(self.config_path(), company, timezone))
    }

    /// Adds or changes a vendor in `sightline.toml`.
    pub fn save_vendor(&self, input: &VendorInput) -> Result<(), ApiError> {
        self.require_config()?;
        let last_review = match optional(&input.last_review) {
            None => None,
            Some(text) => Some(NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
                ApiError::invalid(format!("'{text}' is not a date: write the last review as 2026-03-14"))
            })?),
        };
        let kind: VendorKind = word(&input.kind, "kind of vendor", "msp, cloud, security, internal, other")?;
        // The contract's terms are edited on the vendor page; this form
        // keeps them as they are.
        let existing =
            self.config().ok().and_then(|config| config.vendors.into_iter().find(|v| v.id == input.id.trim()));
        let vendor = VendorConfig {
            id: input.id.trim().to_string(),
            name: input.name.trim().to_string(),
            kind,
            monthly_cost: input.monthly_cost,
            last_review,
            compliance_target_pct: existing.as_ref().and_then(|vendor| vendor.compliance_target_pct),
            hours: existing.as_ref().and_then(|vendor| vendor.hours.clone()),
            holidays: existing.as_ref().map(|vendor| vendor.holidays.clone()).unwrap_or_default(),
            sla: Vec::new(),
            credits: existing.as_ref().and_then(|vendor| vendor.credits),
            uptime_target_pct: existing.as_ref().and_then(|vendor| vendor.uptime_target_pct),
        };
        self.configured(sightline_sync::upsert_vendor(self.config_path(), &vendor))
    }

    /// Removes a vendor that no source records work for.
    pub fn remove_vendor(&self, id: &str) -> Result<(), ApiError> {
        self.require_config()?;
        self.configured(sightline_sync::remove_vendor(self.config_path(), id))
    }

    /// Adds or changes a source in `sightline.toml`. Settings the screen
    /// does not show (a priority map, page sizes) are kept.
    pub fn save_source(&self, input: &SourceInput) -> Result<(), ApiError> {
        self.require_config()?;
        let kind = SourceKind::named(input.kind.trim()).ok_or_else(|| {
            ApiError::invalid(format!("'{}' is not a kind of source: use one of {}", input.kind, SourceKind::names()))
        })?;
        let id = input.id.trim();
        let existing = self.config().ok().and_then(|config| config.source(id).cloned());
        // Settings the form does not show are kept only for the same kind:
        // another kind's sign-in address must never receive this one's secret.
        let mut source =
            existing.filter(|existing| existing.kind == kind).unwrap_or_else(|| SourceConfig::new(id, kind, ""));
        source.kind = kind;
        source.vendor = input.vendor.trim().to_string();
        source.name = optional(&input.name);
        for (key, text) in &input.settings {
            let field = kind.field(key).filter(|field| field.on_form).ok_or_else(|| {
                ApiError::invalid(format!("`{key}` is not a setting of a {} source", kind.display_name()))
            })?;
            let value = match field.form {
                FieldForm::Hosts | FieldForm::Urls | FieldForm::Names | FieldForm::Resolvers => {
                    Setting::List(entries(text))
                }
                FieldForm::Count => match text.trim() {
                    "" => Setting::Text(String::new()),
                    count => Setting::Count(count.parse().map_err(|_| {
                        ApiError::invalid(format!("{} is '{count}': write a whole number", field.label))
                    })?),
                },
                _ => Setting::Text(text.trim().to_string()),
            };
            source.set(key, value);
        }
        // Settings the form does not show (a priority map, page sizes) are
        // kept; what belongs to another kind is not.
        source.settings.retain(|key, _| kind.field(key).is_some());
        for field in kind.fields().iter().filter(|field| field.on_form) {
            if !input.settings.contains_key(field.key) {
                source.settings.remove(field.key);
            }
        }
        self.configured(sightline_sync::upsert_source(self.config_path(), &source))
    }

    /// Removes a source from `sightline.toml`, and its stored credentials.
    pub fn remove_source(&self, id: &str) -> Result<(), ApiError> {
        self.require_config()?;
        self.configured(sightline_sync::remove_source(self.config_path(), id))?;
        self.delete_secret(id)?;
        Ok(())
    }

    /// Reads from a configured source once, keeping nothing: whether the
    /// address, the credentials and the data are right. Sources that can
    /// be asked for changes are asked for the last day's only.
    pub fn test_connection(&self, id: &str) -> Result<ConnectionTest, ApiError> {
        let config = self.config()?;
        let source = config
            .source(id)
            .cloned()
            .ok_or_else(|| ApiError::not_found(format!("there is no source '{id}' in {}", config.path.display())))?;
        let secret = match self.lookup_secret(id) {
            Ok(secret) => secret,
            Err(problem) => return Ok(ConnectionTest { ok: false, message: problem }),
        };
        if source.kind.secret_form().is_some() && secret.is_none() {
            return Ok(ConnectionTest {
                ok: false,
                message: format!("No credentials are stored for {id}: enter them, then test again."),
            });
        }
        let now = self.now();
        let http = HttpOptions::default();
        let fetched = std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| e.to_string())?;
                    let request = FetchRequest {
                        source: &source,
                        secret: secret.as_ref(),
                        since: Some(now - chrono::Duration::days(1)),
                        now,
                        http: &http,
                        known_content: None,
                    };
                    let quiet = |_: sightline_connectors::Progress| {};
                    runtime.block_on(sightline_connectors::fetch(request, &quiet)).map_err(|error| error.to_string())
                })
                .join()
                .unwrap_or_else(|_| Err("the test stopped unexpectedly".into()))
        });
        Ok(match fetched {
            Ok(fetched) => ConnectionTest {
                ok: true,
                message: format!(
                    "Connected to {}: it answered and {} record{} from the last day were readable. Nothing was kept; \
                     use Sync now to bring the data in.",
                    source.display_name(),
                    thousands(fetched.batch.len() as u64),
                    if fetched.batch.len() == 1 { "" } else { "s" }
                ),
            },
            Err(problem) => ConnectionTest { ok: false, message: format!("The test failed: {problem}") },
        })
    }
}
