//! What a kind of source is, and a source as `sightline.toml` describes it.
//!
//! Each connector describes its kind in one [`SourceSpec`]: its name, how
//! people know it, the credentials it takes, whether it can be asked for
//! changes only, its settings ([`Field`]s) and its fetch function. Reading
//! the configuration, checking it, planning a sync, the Sources screen and
//! its form are all driven by that description, so a new kind is its own
//! file plus one line in `lib.rs`'s `connectors!` list.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{FetchError, FetchRequest, Fetched, ProgressSink};

/// A connector's fetch, boxed so that every kind fits one table.
pub type FetchFuture<'r> = Pin<Box<dyn Future<Output = Result<Fetched, FetchError>> + Send + 'r>>;

/// Starts a fetch: `|request, progress| Box::pin(fetch(request, progress))`.
pub type FetchFn = for<'r> fn(&'r FetchRequest<'r>, ProgressSink<'r>) -> FetchFuture<'r>;

/// One kind of source, described once.
pub struct SourceSpec {
    /// How `sightline.toml` names it: `kind = "connectwise"`.
    pub kind: &'static str,
    /// The system's name as people know it.
    pub display_name: &'static str,
    /// What `secret set` expects, or `None` when it needs no credentials.
    pub secret_form: Option<&'static str>,
    /// Whether it can ask its system for what changed since a moment; the
    /// others are read in full every time.
    pub incremental: bool,
    /// A check Sightline makes itself (a website, a certificate) rather
    /// than a provider's system: quick, and run alone by
    /// `sightline-cli probe` as often as cron likes.
    pub probe: bool,
    /// Its settings besides the common `id`, `kind`, `vendor`, `name` and
    /// `full_every_hours`, in the order the file and the form list them.
    pub fields: &'static [Field],
    pub fetch: FetchFn,
}

/// One setting of a kind of source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The key in `sightline.toml`.
    pub key: &'static str,
    /// What the Sources screen's form calls it.
    pub label: &'static str,
    /// What to enter, in a sentence.
    pub hint: &'static str,
    pub required: bool,
    /// Whether the form asks for it; the others are kept as the file has them.
    pub on_form: bool,
    pub form: FieldForm,
}

/// What a setting holds, and so how it is read, checked and asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldForm {
    /// An API address: HTTPS, or plain HTTP to this machine only.
    Url,
    Text,
    /// A file, relative to the configuration file.
    Path,
    /// One of a closed list: (value, what the form shows).
    Choice(&'static [(&'static str, &'static str)]),
    /// `name:port` entries.
    Hosts,
    /// Web addresses, each HTTPS or plain HTTP to this machine only.
    Urls,
    /// Domain names, such as example.com.
    Names,
    /// DNS servers: IP addresses, each with a port where it is not 53.
    Resolvers,
    /// A whole number, 1 or more.
    Count,
    /// The source's priority names -> contract priorities P1..P4.
    PriorityMap,
    /// E-mail domains -> the vendor id whose staff sign in from them.
    VendorDomains,
}

/// Settings most API sources share.
pub const BASE_URL: Field = Field {
    key: "base_url",
    label: "Web address",
    hint: "The address of your provider's system, starting with https:// (your provider can tell you).",
    required: true,
    on_form: true,
    form: FieldForm::Url,
};

pub const PRIORITY_MAP: Field = Field {
    key: "priority_map",
    label: "Priority names",
    hint: "The system's priority names and the contract priority (P1 to P4) each stands for.",
    required: false,
    on_form: false,
    form: FieldForm::PriorityMap,
};

pub const PAGE_SIZE: Field = Field {
    key: "page_size",
    label: "Records per page",
    hint: "How many records to ask for at a time, where the system lets Sightline choose.",
    required: false,
    on_form: false,
    form: FieldForm::Count,
};

pub const MAX_PAGES: Field = Field {
    key: "max_pages",
    label: "Most pages",
    hint: "A guard against a listing that never ends.",
    required: false,
    on_form: false,
    form: FieldForm::Count,
};

/// The keys every source has, whatever its kind.
const COMMON: [&str; 5] = ["id", "kind", "vendor", "name", "full_every_hours"];

/// A kind of source: a reference to its description in the registry.
#[derive(Clone, Copy)]
pub struct SourceKind(&'static SourceSpec);

impl SourceKind {
    /// Every kind, in the order the Sources screen offers them.
    pub fn all() -> impl Iterator<Item = SourceKind> {
        crate::SPECS.iter().map(|spec| SourceKind(spec))
    }

    /// The kind `sightline.toml` calls `name`.
    pub fn named(name: &str) -> Option<SourceKind> {
        SourceKind::all().find(|kind| kind.as_str() == name)
    }

    /// "connectwise, autotask, ...": for messages that list the choices.
    pub fn names() -> String {
        SourceKind::all().map(SourceKind::as_str).collect::<Vec<_>>().join(", ")
    }

    pub fn spec(self) -> &'static SourceSpec {
        self.0
    }

    pub fn as_str(self) -> &'static str {
        self.0.kind
    }

    pub fn display_name(self) -> &'static str {
        self.0.display_name
    }

    pub fn secret_form(self) -> Option<&'static str> {
        self.0.secret_form
    }

    pub fn incremental(self) -> bool {
        self.0.incremental
    }

    /// A check Sightline makes itself (see [`SourceSpec::probe`]).
    pub fn probe(self) -> bool {
        self.0.probe
    }

    pub fn fields(self) -> &'static [Field] {
        self.0.fields
    }

    pub fn field(self, key: &str) -> Option<&'static Field> {
        self.0.fields.iter().find(|field| field.key == key)
    }
}

impl fmt::Debug for SourceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceSpec").field("kind", &self.kind).finish_non_exhaustive()
    }
}

impl PartialEq for SourceKind {
    fn eq(&self, other: &SourceKind) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SourceKind {}

impl std::hash::Hash for SourceKind {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SourceKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SourceKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SourceKind, D::Error> {
        let name = String::deserialize(deserializer)?;
        SourceKind::named(&name).ok_or_else(|| {
            de::Error::custom(format!(
                "unknown variant `{name}`, expected one of {}",
                quoted(SourceKind::all().map(SourceKind::as_str))
            ))
        })
    }
}

fn quoted<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
}

/// A setting's value as the file has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    Text(String),
    Count(u32),
    List(Vec<String>),
    Map(BTreeMap<String, String>),
}

impl Setting {
    /// The map, when the setting is one.
    pub fn map(&self) -> Option<&BTreeMap<String, String>> {
        match self {
            Setting::Map(map) => Some(map),
            _ => None,
        }
    }
}

impl Serialize for Setting {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Setting::Text(text) => text.serialize(serializer),
            Setting::Count(count) => count.serialize(serializer),
            Setting::List(list) => list.serialize(serializer),
            Setting::Map(map) => map.serialize(serializer),
        }
    }
}

/// One `[[source]]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceConfig {
    /// Lowercase slug, unique.
    pub id: String,
    pub kind: SourceKind,
    /// The vendor whose work this source records.
    pub vendor: String,
    /// A display name; defaults to the kind's name.
    pub name: Option<String>,
    /// How often an incremental source is read in full to catch deletions
    /// (default 24).
    pub full_every_hours: Option<u32>,
    /// The kind's own settings, by key ([`SourceSpec::fields`]).
    pub settings: BTreeMap<String, Setting>,
}

static NO_MAP: BTreeMap<String, String> = BTreeMap::new();

impl SourceConfig {
    /// A source of `kind` with no settings yet.
    pub fn new(id: &str, kind: SourceKind, vendor: &str) -> SourceConfig {
        SourceConfig {
            id: id.to_string(),
            kind,
            vendor: vendor.to_string(),
            name: None,
            full_every_hours: None,
            settings: BTreeMap::new(),
        }
    }

    pub fn display_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.kind.display_name().to_string())
    }

    /// A text, address, file or choice setting.
    pub fn text(&self, key: &str) -> Option<&str> {
        match self.settings.get(key) {
            Some(Setting::Text(text)) => Some(text),
            _ => None,
        }
    }

    /// A file setting, relative to the configuration file once it is read.
    pub fn path(&self, key: &str) -> Option<PathBuf> {
        self.text(key).map(PathBuf::from)
    }

    pub fn count(&self, key: &str) -> Option<u32> {
        match self.settings.get(key) {
            Some(Setting::Count(count)) => Some(*count),
            _ => None,
        }
    }

    pub fn list(&self, key: &str) -> &[String] {
        match self.settings.get(key) {
            Some(Setting::List(list)) => list,
            _ => &[],
        }
    }

    /// The source's priority names -> contract priorities.
    pub fn priority_map(&self) -> &BTreeMap<String, String> {
        match self.settings.get(PRIORITY_MAP.key) {
            Some(Setting::Map(map)) => map,
            _ => &NO_MAP,
        }
    }

    pub fn page_size(&self) -> Option<u32> {
        self.count(PAGE_SIZE.key)
    }

    pub fn max_pages(&self) -> Option<u32> {
        self.count(MAX_PAGES.key)
    }

    /// Sets a setting; an empty text, list or map removes it.
    pub fn set(&mut self, key: &str, value: Setting) {
        let empty = match &value {
            Setting::Text(text) => text.trim().is_empty(),
            Setting::Count(_) => false,
            Setting::List(list) => list.is_empty(),
            Setting::Map(map) => map.is_empty(),
        };
        if empty {
            self.settings.remove(key);
        } else {
            self.settings.insert(key.to_string(), value);
        }
    }

    /// Makes file settings relative to `base` (the configuration's folder).
    pub fn resolve_paths(&mut self, base: &std::path::Path) {
        for field in self.kind.fields().iter().filter(|field| field.form == FieldForm::Path) {
            if let Some(Setting::Text(file)) = self.settings.get_mut(field.key) {
                let path = PathBuf::from(&*file);
                if path.is_relative() {
                    *file = base.join(path).display().to_string();
                }
            }
        }
    }

    /// Checks the settings against the kind: every problem as a phrase that
    /// says what to change.
    pub fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let name = self.kind.as_str();
        let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        let kind = format!("{article} {name}");
        for field in self.kind.fields() {
            if field.required && !self.settings.contains_key(field.key) {
                problems.push(format!("{kind} source needs `{}`: add it", field.key));
            }
        }
        for (key, value) in &self.settings {
            let Some(field) = self.kind.field(key) else {
                problems.push(format!("`{key}` is not a setting of {kind} source: remove it"));
                continue;
            };
            problems.extend(check_value(field, value));
        }
        problems
    }
}

/// Whether a query parameter's name says its value is a credential
/// (`token`, `api_key`, `sig`, `password`...).
fn looks_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    // By whole words (`api_key`, `X-Auth-Token`), so that `author` or
    // `keyword` pass.
    name.split(['_', '-', '.']).any(|word| {
        matches!(
            word,
            "token"
                | "key"
                | "apikey"
                | "secret"
                | "password"
                | "passwd"
                | "pwd"
                | "auth"
                | "sig"
                | "signature"
                | "credential"
                | "credentials"
                | "code"
                | "accesstoken"
        )
    })
}

/// What is wrong with one setting's value, if anything.
fn check_value(field: &Field, value: &Setting) -> Vec<String> {
    let key = field.key;
    match (field.form, value) {
        (FieldForm::Url, Setting::Text(url)) => crate::http::check_url(url).err().into_iter().collect(),
        (FieldForm::Text | FieldForm::Path, Setting::Text(_)) => Vec::new(),
        (FieldForm::Choice(choices), Setting::Text(text)) => {
            if choices.iter().any(|(value, _)| value == text) {
                Vec::new()
            } else {
                vec![format!("`{key}` is '{text}': use one of {}", quoted(choices.iter().map(|(value, _)| *value)))]
            }
        }
        (FieldForm::Hosts, Setting::List(hosts)) => hosts
            .iter()
            .filter(|host| crate::tls::split_host(host).is_none())
            .map(|host| format!("the host '{host}' is not in the form name:port (e.g. www.example.com:443)"))
            .collect(),
        (FieldForm::Names, Setting::List(names)) => names
            .iter()
            .filter(|name| !crate::domain::is_domain_name(name))
            .map(|name| format!("'{name}' is not a domain name (write it as example.com, without https:// or a path)"))
            .collect(),
        (FieldForm::Resolvers, Setting::List(servers)) => servers
            .iter()
            .filter(|server| crate::domain::parse_resolver(server).is_none())
            .map(|server| format!("the DNS server '{server}' is not an IP address, with a port where it is not 53"))
            .collect(),
        (FieldForm::Urls, Setting::List(urls)) => urls
            .iter()
            .filter_map(|url| match crate::http::check_url(url) {
                Err(problem) => Some(problem),
                // The address is a monitor's name, shown on screens and in
                // reports: no password goes in it.
                Ok(parsed) if parsed.password().is_some() || !parsed.username().is_empty() => Some(format!(
                    "the address of '{}' carries a user name or password: checks need none, and it would be shown \
                     wherever the check's results are",
                    parsed.host_str().unwrap_or("?")
                )),
                Ok(parsed) if parsed.query_pairs().any(|(name, _)| looks_secret(&name)) => Some(format!(
                    "the address of '{}' carries what looks like a key in its query ({}): it would be shown \
                     wherever the check's results are; check an address that answers without one",
                    parsed.host_str().unwrap_or("?"),
                    parsed
                        .query_pairs()
                        .filter(|(name, _)| looks_secret(name))
                        .map(|(name, _)| format!("{name}=…"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                Ok(_) => None,
            })
            .collect(),
        (FieldForm::Count, Setting::Count(count)) => {
            if *count == 0 {
                vec![format!("`{key}` must be at least 1")]
            } else {
                Vec::new()
            }
        }
        (FieldForm::PriorityMap, Setting::Map(map)) => map
            .iter()
            .filter(|(_, to)| !crate::priority::is_contract_priority(to))
            .map(|(from, to)| {
                format!("{key} sends '{from}' to '{to}', which is not a contract priority: use P1, P2, P3 or P4")
            })
            .collect(),
        (FieldForm::VendorDomains, Setting::Map(map)) => map
            .keys()
            .filter(|domain| !domain.contains('.') || domain.contains('@') || domain.contains(char::is_whitespace))
            .map(|domain| format!("{key} names '{domain}', which is not a domain: write it as example.com"))
            .collect(),
        _ => vec![format!("`{key}` does not hold the kind of value it takes")],
    }
}

/// Every setting key some kind has, with its form: the same key has the
/// same form in every kind (a test checks it).
fn field_named(key: &str) -> Option<&'static Field> {
    SourceKind::all().find_map(|kind| kind.field(key))
}

impl Serialize for SourceConfig {
    /// Common keys first, then the settings in the kind's order: the order
    /// the file is written in and the settings fingerprint is taken over.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("kind", &self.kind)?;
        map.serialize_entry("vendor", &self.vendor)?;
        if let Some(name) = &self.name {
            map.serialize_entry("name", name)?;
        }
        let ordered = self.kind.fields().iter().map(|field| field.key);
        let others = self.settings.keys().map(String::as_str).filter(|key| self.kind.field(key).is_none());
        for key in ordered.chain(others) {
            if let Some(value) = self.settings.get(key) {
                map.serialize_entry(key, value)?;
            }
        }
        if let Some(hours) = self.full_every_hours {
            map.serialize_entry("full_every_hours", &hours)?;
        }
        map.end()
    }
}

/// A key as the file spells it, refused at its own place when no kind has it.
enum Key {
    Common(&'static str),
    Setting(&'static Field),
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a source setting")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        if let Some(common) = COMMON.iter().find(|common| **common == key) {
            return Ok(Key::Common(common));
        }
        field_named(key).map(Key::Setting).ok_or_else(|| {
            let mut keys: Vec<&str> = COMMON.to_vec();
            for kind in SourceKind::all() {
                for field in kind.fields() {
                    if !keys.contains(&field.key) {
                        keys.push(field.key);
                    }
                }
            }
            E::custom(format!("unknown field `{key}`, expected one of {}", quoted(keys.into_iter())))
        })
    }
}

/// Reads one setting's value the way its form says, so that a wrong value
/// is refused at its own line.
struct ValueSeed(&'static Field);

impl<'de> DeserializeSeed<'de> for ValueSeed {
    /// `None` for a JSON `null`: the setting is left out.
    type Value = Option<Setting>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<Setting>, D::Error> {
        Ok(match self.0.form {
            FieldForm::Url | FieldForm::Text | FieldForm::Path => {
                Option::<String>::deserialize(deserializer)?.map(Setting::Text)
            }
            FieldForm::Choice(choices) => match Option::<String>::deserialize(deserializer)? {
                Some(text) if !choices.iter().any(|(value, _)| *value == text) => {
                    return Err(de::Error::custom(format!(
                        "unknown variant `{text}`, expected one of {}",
                        quoted(choices.iter().map(|(value, _)| *value))
                    )));
                }
                text => text.map(Setting::Text),
            },
            FieldForm::Hosts | FieldForm::Urls | FieldForm::Names | FieldForm::Resolvers => {
                Option::<Vec<String>>::deserialize(deserializer)?.map(Setting::List)
            }
            FieldForm::Count => Option::<u32>::deserialize(deserializer)?.map(Setting::Count),
            FieldForm::PriorityMap | FieldForm::VendorDomains => {
                Option::<BTreeMap<String, String>>::deserialize(deserializer)?.map(Setting::Map)
            }
        })
    }
}

struct SourceVisitor;

impl<'de> Visitor<'de> for SourceVisitor {
    type Value = SourceConfig;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a [[source]] table")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SourceConfig, A::Error> {
        let (mut id, mut kind, mut vendor, mut name, mut full_every_hours) = (None, None, None, None, None);
        let mut settings = BTreeMap::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            match key {
                Key::Common("id") => id = Some(map.next_value::<String>()?),
                Key::Common("kind") => kind = Some(map.next_value::<SourceKind>()?),
                Key::Common("vendor") => vendor = Some(map.next_value::<String>()?),
                Key::Common("name") => name = Some(map.next_value::<String>()?),
                Key::Common(_) => full_every_hours = Some(map.next_value::<u32>()?),
                Key::Setting(field) => {
                    let value = map.next_value_seed(ValueSeed(field))?;
                    let empty = matches!(&value, Some(Setting::List(list)) if list.is_empty())
                        || matches!(&value, Some(Setting::Map(map)) if map.is_empty());
                    if let Some(value) = value.filter(|_| !empty) {
                        settings.insert(field.key.to_string(), value);
                    }
                }
            }
        }
        Ok(SourceConfig {
            id: id.ok_or_else(|| de::Error::missing_field("id"))?,
            kind: kind.ok_or_else(|| de::Error::missing_field("kind"))?,
            vendor: vendor.ok_or_else(|| de::Error::missing_field("vendor"))?,
            name,
            full_every_hours,
            settings,
        })
    }
}

impl<'de> Deserialize<'de> for SourceConfig {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SourceConfig, D::Error> {
        deserializer.deserialize_map(SourceVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_means_the_same_in_every_kind() {
        for kind in SourceKind::all() {
            for field in kind.fields() {
                let first = field_named(field.key).unwrap();
                assert_eq!(
                    std::mem::discriminant(&first.form),
                    std::mem::discriminant(&field.form),
                    "`{}` of {} is read differently from the same key of another kind",
                    field.key,
                    kind.as_str()
                );
                assert!(!COMMON.contains(&field.key), "`{}` is a common key", field.key);
            }
        }
    }

    #[test]
    fn every_kind_is_described() {
        let mut names = Vec::new();
        for kind in SourceKind::all() {
            assert!(!kind.display_name().is_empty());
            assert!(kind.as_str().chars().all(|c| c.is_ascii_lowercase()), "{}", kind.as_str());
            assert!(!names.contains(&kind.as_str()), "{} is registered twice", kind.as_str());
            names.push(kind.as_str());
            for field in kind.fields() {
                assert!(!field.label.is_empty() && field.hint.ends_with('.'), "{}.{}", kind.as_str(), field.key);
                assert!(
                    !field.required || field.on_form,
                    "{}.{} is required but not asked for",
                    kind.as_str(),
                    field.key
                );
            }
        }
    }
}
