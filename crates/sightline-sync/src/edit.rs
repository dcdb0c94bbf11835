//! Changes to `sightline.toml` made from the desktop's Sources and Settings
//! screens and the vendor page's contract form. The file stays the user's:
//! comments, order and everything not being changed are kept; the new text
//! is checked as a whole before it replaces the old, and is written
//! atomically, so a mistake never leaves a half-written or invalid file
//! behind.

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;
use sightline_connectors::SourceConfig;
use sightline_domain::{BusinessHours, ServiceCredits};
use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, TableLike, Value, value};

use crate::{Config, ConfigError, SlaConfig, VendorConfig};

fn problem(message: String) -> ConfigError {
    ConfigError { problems: vec![message] }
}

fn read(path: &Path) -> Result<DocumentMut, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => return Err(problem(format!("could not read {}: {error}", path.display()))),
    };
    text.parse::<DocumentMut>().map_err(|error| problem(format!("{}: {}", path.display(), error.message())))
}

/// Checks the changed document as a whole, then replaces the file with it.
fn write(path: &Path, document: &DocumentMut) -> Result<Config, ConfigError> {
    let text = document.to_string();
    let config = Config::parse(&text, path)?;
    let temporary = path.with_extension("toml.new");
    std::fs::write(&temporary, &text)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|error| problem(format!("could not write {}: {error}", path.display())))?;
    Ok(config)
}

fn table_of(entry: &impl Serialize) -> Result<Table, ConfigError> {
    let text = toml::to_string(entry).map_err(|error| problem(format!("could not write the entry: {error}")))?;
    let document = text.parse::<DocumentMut>().map_err(|error| problem(error.message().to_string()))?;
    Ok(document.as_table().clone())
}

fn array<'a>(document: &'a mut DocumentMut, key: &str) -> Result<&'a mut ArrayOfTables, ConfigError> {
    let item = document.entry(key).or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
    item.as_array_of_tables_mut()
        .ok_or_else(|| problem(format!("`{key}` in the configuration is not a list of [[{key}]] tables")))
}

fn position(tables: &ArrayOfTables, id: &str) -> Option<usize> {
    tables.iter().position(|table| table.get("id").and_then(Item::as_str) == Some(id))
}

/// Puts `entry` in place of the table with the same id, or after the last.
fn upsert(path: &Path, key: &str, id: &str, entry: Table) -> Result<Config, ConfigError> {
    let mut document = read(path)?;
    let tables = array(&mut document, key)?;
    match position(tables, id) {
        Some(index) => {
            let existing = tables.get_mut(index).expect("found above");
            let decor = existing.decor().clone();
            *existing = entry;
            *existing.decor_mut() = decor;
        }
        None => tables.push(entry),
    }
    write(path, &document)
}

/// Starts a configuration for a company with no vendors or sources yet.
pub fn create_config(path: &Path, company: &str, timezone: &str) -> Result<Config, ConfigError> {
    if path.exists() {
        return Err(problem(format!("{} exists already: edit it rather than start again", path.display())));
    }
    let mut document = DocumentMut::new();
    document["company"] = value(company.trim());
    document["timezone"] = value(timezone.trim());
    write(path, &document)
}

/// Sets the company's time zone.
pub fn set_timezone(path: &Path, timezone: &str) -> Result<Config, ConfigError> {
    let mut document = read(path)?;
    document["timezone"] = value(timezone.trim());
    write(path, &document)
}

/// Adds a source, or replaces the one with the same id.
pub fn upsert_source(path: &Path, source: &SourceConfig) -> Result<Config, ConfigError> {
    upsert(path, "source", &source.id, table_of(source)?)
}

/// Removes a source. Its data stays in the cache until the next sync.
pub fn remove_source(path: &Path, id: &str) -> Result<Config, ConfigError> {
    let mut document = read(path)?;
    let tables = array(&mut document, "source")?;
    let index = position(tables, id).ok_or_else(|| problem(format!("there is no source '{id}' to remove")))?;
    tables.remove(index);
    write(path, &document)
}

/// Adds a vendor, or changes the one with the same id; its contracted
/// targets (`[[vendor.sla]]`) are kept.
pub fn upsert_vendor(path: &Path, vendor: &VendorConfig) -> Result<Config, ConfigError> {
    let mut document = read(path)?;
    let kept = array(&mut document, "vendor")?
        .iter()
        .find(|table| table.get("id").and_then(Item::as_str) == Some(vendor.id.as_str()))
        .and_then(|table| table.get("sla").cloned());
    let mut entry = table_of(&VendorConfig { sla: Vec::new(), ..vendor.clone() })?;
    if let Some(sla) = kept {
        entry.insert("sla", sla);
    }
    upsert(path, "vendor", &vendor.id, entry)
}

/// Removes a vendor no source records work for.
pub fn remove_vendor(path: &Path, id: &str) -> Result<Config, ConfigError> {
    let config = Config::load(path)?;
    let users: Vec<&str> =
        config.sources.iter().filter(|source| source.vendor == id).map(|source| source.id.as_str()).collect();
    if !users.is_empty() {
        return Err(problem(format!("the vendor '{id}' still has sources ({}): remove them first", users.join(", "))));
    }
    let mut document = read(path)?;
    let tables = array(&mut document, "vendor")?;
    let index = position(tables, id).ok_or_else(|| problem(format!("there is no vendor '{id}' to remove")))?;
    tables.remove(index);
    write(path, &document)
}

/// A vendor's contract as the vendor page edits it: the `[[vendor]]` keys
/// `compliance_target_pct`, `hours`, `holidays`, its `[[vendor.sla]]`
/// targets and its `[vendor.credits]`. `None` and empty remove the key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContractEdit {
    pub compliance_target_pct: Option<f64>,
    /// `None`: round the clock.
    pub hours: Option<BusinessHours>,
    pub holidays: Vec<NaiveDate>,
    /// Empty: the targets the vendor's sources define, if any.
    pub sla: Vec<SlaConfig>,
    pub credits: Option<ServiceCredits>,
}

/// A number as people write it in the file: `15` rather than `15.0`.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 { Value::from(x as i64) } else { Value::from(x) }
}

fn date(day: NaiveDate) -> Value {
    Value::from(day.format("%Y-%m-%d").to_string())
}

/// Sets `key` to `new`, or removes it when `None`. A key already there
/// keeps its place, the comment above it and the one after its value.
fn set(table: &mut dyn TableLike, key: &str, new: Option<Value>) {
    let Some(mut new) = new else {
        table.remove(key);
        return;
    };
    match table.get_mut(key) {
        Some(item) => {
            if let Some(old) = item.as_value() {
                *new.decor_mut() = old.decor().clone();
            }
            *item = Item::Value(new);
        }
        None => {
            table.insert(key, Item::Value(new));
        }
    }
}

/// The text of a date key as written, quoted or bare.
fn date_text(item: Option<&Item>) -> Option<String> {
    let value = item?.as_value()?;
    value.as_str().map(str::to_string).or_else(|| value.as_datetime().map(ToString::to_string))
}

/// Writes one target's keys into `table`, in the order the README shows them.
fn set_target(table: &mut dyn TableLike, target: &SlaConfig) {
    set(table, "priority", Some(Value::from(target.priority.as_str())));
    set(table, "respond_minutes", target.respond_minutes.map(Value::from));
    set(table, "resolve_minutes", target.resolve_minutes.map(Value::from));
    set(table, "effective_from", target.effective_from.map(date));
    set(table, "clock", target.clock.map(|clock| Value::from(clock.as_str())));
}

/// The `[[vendor.sla]]` tables for `targets`. A target whose priority and
/// start date were there before is changed in its old table, so the
/// comments on it stay.
fn sla_tables(old: Option<&ArrayOfTables>, targets: &[SlaConfig]) -> ArrayOfTables {
    let mut unused: Vec<Table> = old.map(|old| old.iter().cloned().collect()).unwrap_or_default();
    let mut tables = ArrayOfTables::new();
    for target in targets {
        let from = target.effective_from.map(|day| day.format("%Y-%m-%d").to_string());
        let same = unused.iter().position(|table| {
            table.get("priority").and_then(Item::as_str) == Some(target.priority.as_str())
                && date_text(table.get("effective_from")) == from
        });
        let mut table = match same {
            Some(index) => unused.remove(index),
            None => Table::new(),
        };
        set_target(&mut table, target);
        // Placed after their vendor's keys, in this order.
        table.set_position(None);
        tables.push(table);
    }
    tables
}

/// Replaces the contract of the vendor `vendor_id`: its compliance target,
/// business hours, holidays, SLA targets and service credits. Every other
/// key of the vendor, and the file's comments and order, are kept; the new
/// file is checked as a whole before it replaces the old, so a contract the
/// configuration would refuse leaves the file as it was.
pub fn set_contract(path: &Path, vendor_id: &str, contract: &ContractEdit) -> Result<Config, ConfigError> {
    let mut document = read(path)?;
    let tables = array(&mut document, "vendor")?;
    let index = position(tables, vendor_id)
        .ok_or_else(|| problem(format!("there is no vendor '{vendor_id}' in {}", path.display())))?;
    let vendor = tables.get_mut(index).expect("found above");

    set(vendor, "compliance_target_pct", contract.compliance_target_pct.map(number));
    set(vendor, "hours", contract.hours.as_ref().map(|hours| Value::from(hours.to_string())));
    let holidays = (!contract.holidays.is_empty())
        .then(|| Value::Array(contract.holidays.iter().map(|day| date(*day)).collect::<Array>()));
    set(vendor, "holidays", holidays);

    if contract.sla.is_empty() {
        vendor.remove("sla");
    } else {
        let tables = sla_tables(vendor.get("sla").and_then(Item::as_array_of_tables), &contract.sla);
        match vendor.get_mut("sla") {
            Some(item) if item.is_array_of_tables() => *item = Item::ArrayOfTables(tables),
            _ => {
                // Absent, or written inline: written as [[vendor.sla]] tables.
                vendor.remove("sla");
                vendor.insert("sla", Item::ArrayOfTables(tables));
            }
        }
    }

    match contract.credits {
        None => {
            vendor.remove("credits");
        }
        Some(credits) => {
            let values = [("percent_per_point", credits.percent_per_point), ("cap_percent", credits.cap_percent)];
            if let Some(table) = vendor.get_mut("credits").and_then(Item::as_table_like_mut) {
                for (key, x) in values {
                    set(table, key, Some(number(x)));
                }
            } else {
                let mut table = Table::new();
                for (key, x) in values {
                    table.insert(key, Item::Value(number(x)));
                }
                vendor.remove("credits");
                vendor.insert("credits", Item::Table(table));
            }
        }
    }
    write(path, &document)
}
