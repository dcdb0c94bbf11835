//! Changes to `sightline.toml` made from the desktop's Sources and Settings
//! screens. The file stays the user's: comments, order and everything not
//! being changed are kept; the new text is checked as a whole before it
//! replaces the old, and is written atomically, so a mistake never leaves
//! a half-written or invalid file behind.

use std::path::Path;

use serde::Serialize;
use sightline_connectors::SourceConfig;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use crate::{Config, ConfigError, VendorConfig};

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
