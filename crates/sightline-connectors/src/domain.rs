//! Domain and e-mail posture: Sightline's own reading of what DNS publishes
//! about the company's domains, and of when each one's registration runs
//! out, independent of anything a provider reports.
//!
//! For each configured domain it asks DNS for the TXT records at the domain
//! (its SPF policy), the TXT records at `_dmarc.<domain>` (its DMARC policy)
//! and its MX records (where its mail goes), and keeps them as published;
//! `sightline_domain::DomainPosture` reads the verdicts from them. The
//! registration's expiry comes from the registry's RDAP service (RFC 9083),
//! found through IANA's bootstrap list (RFC 9224) of which registry serves
//! each top-level domain. Where the registry cannot be asked or does not
//! say, the run is not a complete reading: the domain keeps the expiry last
//! read, with a warning; nothing is guessed.
//!
//! DNS is asked through the system's resolver settings, or the servers the
//! source names. A domain DNS says does not exist, or that no server would
//! answer for, is a warning and keeps its last record. When not one domain
//! could be read the run fails: a configuration error when DNS said none of
//! them exists, else "this machine may be offline".

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use chrono::{DateTime, Utc};
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
use hickory_resolver::net::NetError;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RData;
use hickory_resolver::{Resolver, TokioResolver};
use serde::Deserialize;
use sightline_domain::{DomainPosture, Provenance, is_dmarc, is_spf};
use url::Url;

use crate::http::Http;
use crate::{FetchError, FetchErrorKind, FetchRequest, Fetched, Field, FieldForm, Progress, ProgressSink, SourceSpec};

/// IANA's list of which registry answers RDAP for each top-level domain.
const IANA_BOOTSTRAP: &str = "https://data.iana.org/rdap/dns.json";

/// How long one DNS question may take, at most.
const DNS_TIMEOUT: Duration = Duration::from_secs(5);

/// This kind's entry in the registry (see [`crate::SourceSpec`]).
pub const SPEC: SourceSpec = SourceSpec {
    kind: "domain",
    display_name: "Domain and e-mail check",
    secret_form: None,
    incremental: false,
    probe: true,
    fields: &[
        Field {
            key: "domains",
            label: "Domains to watch",
            hint: "The company's domains, one per line, such as example.com: those its e-mail and websites use.",
            required: true,
            on_form: true,
            form: FieldForm::Names,
        },
        Field {
            key: "expiry",
            label: "Registration expiry",
            hint: "Whether to ask each domain's registry (over RDAP) when its registration runs out.",
            required: false,
            on_form: true,
            form: FieldForm::Choice(&[("rdap", "Ask the registry"), ("off", "Do not check")]),
        },
        Field {
            key: "nameservers",
            label: "DNS servers",
            hint: "The DNS servers to ask, such as 192.0.2.53 or 192.0.2.53:5353 (this machine's when empty).",
            required: false,
            on_form: false,
            form: FieldForm::Resolvers,
        },
        Field {
            key: "rdap_bootstrap",
            label: "Registry list",
            hint: "Where to find which registry serves each top-level domain (IANA's list when empty).",
            required: false,
            on_form: false,
            form: FieldForm::Url,
        },
    ],
    fetch: |request, progress| Box::pin(fetch(request, progress)),
};

/// A DNS server entry: an IP address, with a port where it is not 53.
pub(crate) fn parse_resolver(entry: &str) -> Option<SocketAddr> {
    entry.parse::<SocketAddr>().ok().or_else(|| entry.parse::<IpAddr>().ok().map(|ip| SocketAddr::new(ip, 53)))
}

/// Whether `name` is a domain name Sightline can ask about: labels of
/// letters, digits and hyphens, at least two of them.
pub(crate) fn is_domain_name(name: &str) -> bool {
    let labels: Vec<&str> = name.trim_end_matches('.').split('.').collect();
    labels.len() >= 2
        && name.len() <= 253
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
        })
}

pub(crate) async fn fetch(request: &FetchRequest<'_>, progress: ProgressSink<'_>) -> Result<Fetched, FetchError> {
    let source = request.source;
    // Like the certificate check, each run sees every domain as it is now:
    // a complete snapshot, unless a domain could not be looked up.
    let mut fetched = Fetched { full: true, ..Fetched::default() };
    let resolver = resolver(request)?;
    let mut registry =
        (source.text("expiry").unwrap_or("rdap") == "rdap").then(|| Registry::new(request)).transpose()?;
    let domains = source.list("domains");
    let mut failures = Vec::new();
    let mut unregistered = false;
    for name in domains {
        let domain = name.trim_end_matches('.').to_ascii_lowercase();
        fetched.pages += 1;
        match look_up(&resolver, &domain).await {
            Ok((spf, dmarc, mail_servers)) => {
                let (expires_at, registrar) = match registry.as_mut() {
                    Some(registry) => match registry.registration(&domain).await {
                        Ok(found) => found,
                        Err(problem) => {
                            // Not a complete reading: the store keeps the
                            // expiry it last had for the domain.
                            fetched.warnings.push(format!("{domain}: {problem}: its expiry was not checked"));
                            unregistered = true;
                            (None, None)
                        }
                    },
                    None => (None, None),
                };
                fetched.batch.domains.push(DomainPosture {
                    provenance: Provenance {
                        source_id: source.id.clone(),
                        record_id: domain.clone(),
                        fetched_at: request.now,
                    },
                    vendor_id: source.vendor.clone(),
                    domain,
                    spf,
                    dmarc,
                    mail_servers,
                    expires_at,
                    registrar,
                });
            }
            Err(problem) => {
                let warning = format!("{domain} {}", problem.words());
                fetched.warnings.push(warning.clone());
                failures.push((problem, warning));
            }
        }
        progress(Progress::fetching(&source.id, fetched.batch.domains.len(), fetched.pages));
    }
    fetched.requests = fetched.pages * 3 + registry.as_ref().map_or(0, |registry| registry.http.requests());
    if !domains.is_empty() && failures.len() == domains.len() {
        let said = failures.iter().map(|(_, warning)| warning.as_str()).collect::<Vec<_>>().join("; ");
        // Names DNS answered do not exist are the configuration's fault;
        // anything else, this machine's network or its DNS server's.
        if failures.iter().all(|(problem, _)| matches!(problem, Unread::NoSuchDomain)) {
            return Err(FetchError::config(
                &source.id,
                format!("none of the domains exists in DNS ({said}): check the names in `domains`"),
            ));
        }
        return Err(FetchError::new(
            &source.id,
            FetchErrorKind::Connection,
            format!(
                "no domain could be looked up ({said}): this machine may be offline or its DNS server unreachable, \
                 so nothing was recorded"
            ),
        ));
    }
    // A domain that could not be looked up keeps its last record, and one
    // whose registry did not answer its last expiry (the store's upsert).
    fetched.full = failures.is_empty() && !unregistered;
    Ok(fetched)
}

/// The resolver: the source's DNS servers, or this machine's settings.
fn resolver(request: &FetchRequest<'_>) -> Result<TokioResolver, FetchError> {
    let source = request.source;
    let servers = source.list("nameservers");
    let builder = if servers.is_empty() {
        Resolver::builder_tokio().map_err(|error| {
            FetchError::config(
                &source.id,
                format!("this machine's DNS settings could not be read ({error}): name the servers in `nameservers`"),
            )
        })?
    } else {
        let mut config = ResolverConfig::from_name_servers(Vec::new());
        for entry in servers {
            let address = parse_resolver(entry).ok_or_else(|| {
                FetchError::config(&source.id, format!("the DNS server '{entry}' is not an IP address (and port)"))
            })?;
            let connections = [ConnectionConfig::udp(), ConnectionConfig::tcp()]
                .into_iter()
                .map(|mut connection| {
                    connection.port = address.port();
                    connection
                })
                .collect();
            config.add_name_server(NameServerConfig::new(address.ip(), true, connections));
        }
        Resolver::builder_with_config(config, TokioRuntimeProvider::default())
    };
    let mut builder = builder;
    let options = builder.options_mut();
    options.timeout = request.http.timeout.min(DNS_TIMEOUT);
    options.attempts = 2;
    builder.build().map_err(|error| {
        FetchError::new(&source.id, FetchErrorKind::Connection, format!("could not start DNS lookups: {error}"))
    })
}

type Published = (Vec<String>, Vec<String>, Vec<String>);

/// Why a domain could not be read.
enum Unread {
    /// DNS answered that the name does not exist.
    NoSuchDomain,
    /// No answer, or a failed one: the network or the DNS server.
    Unanswered(NetError),
}

impl Unread {
    /// What went wrong, after the domain's name.
    fn words(&self) -> String {
        match self {
            Unread::NoSuchDomain => "does not exist in DNS: check the name".into(),
            Unread::Unanswered(error) => format!("could not be looked up in DNS ({error})"),
        }
    }
}

/// The domain's SPF records, DMARC records and mail servers, or why DNS
/// could not say.
async fn look_up(resolver: &TokioResolver, domain: &str) -> Result<Published, Unread> {
    // Fully qualified, so that the machine's search domains are not tried.
    let apex = format!("{domain}.");
    let published = match resolver.txt_lookup(apex.as_str()).await {
        Err(error) if error.is_nx_domain() => return Err(Unread::NoSuchDomain),
        found => texts(found).map_err(Unread::Unanswered)?,
    };
    let spf = published.into_iter().filter(|text| is_spf(text)).collect();
    let dmarc = texts(resolver.txt_lookup(format!("_dmarc.{domain}.").as_str()).await)
        .map_err(Unread::Unanswered)?
        .into_iter()
        .filter(|text| is_dmarc(text))
        .collect();
    let mut servers: Vec<(u16, String)> = match resolver.mx_lookup(apex.as_str()).await {
        Err(error) if error.is_no_records_found() => Vec::new(),
        Err(error) => return Err(Unread::Unanswered(error)),
        Ok(lookup) => lookup
            .answers()
            .iter()
            .filter_map(|record| match &record.data {
                // A null MX (RFC 7505, "0 .") says the domain takes no mail.
                RData::MX(mx) => Some((mx.preference, mx.exchange.to_ascii().trim_end_matches('.').to_string()))
                    .filter(|(_, server)| !server.is_empty()),
                _ => None,
            })
            .collect(),
    };
    servers.sort();
    Ok((spf, dmarc, servers.into_iter().map(|(_, server)| server).collect()))
}

/// A TXT lookup's strings, each record's parts joined as RFC 7208 3.3 says;
/// none when the name has no TXT records or does not exist.
fn texts(found: Result<hickory_resolver::lookup::Lookup, NetError>) -> Result<Vec<String>, NetError> {
    match found {
        Err(error) if error.is_no_records_found() => Ok(Vec::new()),
        Err(error) => Err(error),
        Ok(lookup) => Ok(lookup
            .answers()
            .iter()
            .filter_map(|record| match &record.data {
                RData::TXT(txt) => {
                    Some(txt.txt_data.iter().map(|part| String::from_utf8_lossy(part)).collect::<String>())
                }
                _ => None,
            })
            .collect()),
    }
}

/// Top-level domains and the RDAP base addresses that serve them.
type Services = Vec<(Vec<String>, Vec<String>)>;

/// The registries' RDAP services, found once per run.
struct Registry<'a> {
    http: Http<'a>,
    bootstrap: Url,
    /// Each top-level domain's RDAP base addresses, once read.
    services: Option<Result<Services, String>>,
}

/// IANA's bootstrap file (RFC 9224): `services` is a list of pairs, the
/// top-level domains and the base addresses that serve them.
#[derive(Deserialize)]
struct Bootstrap {
    services: Services,
}

/// The parts of an RDAP domain answer (RFC 9083) read here.
#[derive(Deserialize)]
struct RdapDomain {
    #[serde(default)]
    events: Vec<RdapEvent>,
    #[serde(default)]
    entities: Vec<RdapEntity>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RdapEvent {
    event_action: String,
    event_date: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RdapEntity {
    #[serde(default)]
    roles: Vec<String>,
    /// jCard (RFC 7095): `["vcard", [[name, params, type, value], ...]]`.
    #[serde(default)]
    vcard_array: Option<serde_json::Value>,
}

impl<'a> Registry<'a> {
    fn new(request: &'a FetchRequest<'a>) -> Result<Registry<'a>, FetchError> {
        let http = Http::new(&request.source.id, request.http, None)?;
        let bootstrap = http.url(request.source.text("rdap_bootstrap").filter(|text| !text.is_empty()).unwrap_or(IANA_BOOTSTRAP))?;
        Ok(Registry { http, bootstrap, services: None })
    }

    /// When `domain`'s registration runs out, and with which registrar.
    async fn registration(&mut self, domain: &str) -> Result<(Option<DateTime<Utc>>, Option<String>), String> {
        if self.services.is_none() {
            let bootstrap = self.bootstrap.clone();
            let read = self.http.json::<Bootstrap>(|client| client.get(bootstrap.clone())).await;
            self.services = Some(
                read.map(|(found, _)| found.services)
                    .map_err(|error| format!("the list of registries could not be read ({})", error.message)),
            );
        }
        let services = self.services.as_ref().expect("read above").as_ref().map_err(Clone::clone)?;
        let base = base_for(services, domain).ok_or_else(|| {
            format!("no registry publishes registrations for .{}", domain.rsplit('.').next().unwrap_or(domain))
        })?;
        let base = if base.ends_with('/') { base.to_string() } else { format!("{base}/") };
        let url = self.http.url(&format!("{base}domain/{domain}")).map_err(|error| error.message)?;
        let (answer, _) = self
            .http
            .json::<RdapDomain>(|client| client.get(url.clone()).header("Accept", "application/rdap+json"))
            .await
            .map_err(|error| match error.kind {
                FetchErrorKind::NotFound => "its registry has no record of it".to_string(),
                _ => format!("its registry did not answer ({})", error.message),
            })?;
        let expires_at = answer
            .events
            .iter()
            .find(|event| event.event_action == "expiration")
            .map(|event| {
                rdap_date(&event.event_date).ok_or_else(|| {
                    format!("the registry gave the expiry date '{}', which is not a date", event.event_date)
                })
            })
            .transpose()?;
        let registrar = answer
            .entities
            .iter()
            .find(|entity| entity.roles.iter().any(|role| role == "registrar"))
            .and_then(|entity| entity.vcard_array.as_ref())
            .and_then(vcard_name);
        if expires_at.is_none() {
            return Err("the registry did not say when its registration runs out".into());
        }
        Ok((expires_at, registrar))
    }
}

/// The base address serving `domain`: the entry matching the most labels
/// of its end, an https address first.
fn base_for<'s>(services: &'s Services, domain: &str) -> Option<&'s str> {
    let labels: Vec<&str> = domain.split('.').collect();
    (1..labels.len()).find_map(|skip| {
        let suffix = labels[skip..].join(".");
        services.iter().find(|(names, _)| names.iter().any(|name| name.eq_ignore_ascii_case(&suffix))).and_then(
            |(_, bases)| {
                bases.iter().find(|base| base.starts_with("https://")).or_else(|| bases.first()).map(String::as_str)
            },
        )
    })
}

/// An RDAP date: RFC 3339, or (as some registries write it) the same
/// without a zone, which is UTC.
fn rdap_date(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).map(|date| date.with_timezone(&Utc)).ok().or_else(|| {
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok().map(|date| date.and_utc())
    })
}

/// The formatted name (`fn`) of a jCard.
fn vcard_name(card: &serde_json::Value) -> Option<String> {
    card.get(1)?.as_array()?.iter().find_map(|property| {
        let property = property.as_array()?;
        (property.first()?.as_str()? == "fn").then(|| property.get(3)?.as_str().map(str::to_string))?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_servers_are_checked_before_anything_is_asked() {
        assert!(is_domain_name("harborfinch.example"));
        assert!(is_domain_name("mail.harborfinch.co.uk."));
        assert!(!is_domain_name("localhost"));
        assert!(!is_domain_name("https://harborfinch.example"));
        assert!(!is_domain_name("harbor finch.example"));
        assert!(!is_domain_name("-bad.example"));
        assert_eq!(parse_resolver("192.0.2.53"), Some("192.0.2.53:53".parse().unwrap()));
        assert_eq!(parse_resolver("127.0.0.1:5353"), Some("127.0.0.1:5353".parse().unwrap()));
        assert_eq!(parse_resolver("[::1]:5353"), Some("[::1]:5353".parse().unwrap()));
        assert_eq!(parse_resolver("dns.example:53"), None);
    }

    #[test]
    fn the_registry_is_the_one_serving_the_longest_matching_end() {
        let services = vec![
            (vec!["uk".to_string()], vec!["https://rdap.uk.example/".to_string()]),
            (
                vec!["co.uk".to_string(), "org.uk".to_string()],
                vec!["http://rdap.couk.example/".to_string(), "https://rdap.couk.example/".to_string()],
            ),
        ];
        assert_eq!(base_for(&services, "harborfinch.co.uk"), Some("https://rdap.couk.example/"));
        assert_eq!(base_for(&services, "harborfinch.uk"), Some("https://rdap.uk.example/"));
        assert_eq!(base_for(&services, "harborfinch.example"), None);
    }

    #[test]
    fn dates_without_a_zone_are_utc() {
        assert_eq!(rdap_date("2027-08-13T04:00:00Z").unwrap().to_rfc3339(), "2027-08-13T04:00:00+00:00");
        assert_eq!(rdap_date("2029-08-18T13:19:55").unwrap().to_rfc3339(), "2029-08-18T13:19:55+00:00");
        assert_eq!(rdap_date("2027-08-13T04:00:00.000+02:00").unwrap().to_rfc3339(), "2027-08-13T02:00:00+00:00");
        assert_eq!(rdap_date("next year"), None);
    }

    #[test]
    fn the_registrar_is_the_jcard_formatted_name() {
        let card = serde_json::json!(["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "Example Registrar, Inc."]]]);
        assert_eq!(vcard_name(&card).as_deref(), Some("Example Registrar, Inc."));
        assert_eq!(vcard_name(&serde_json::json!(["vcard", []])), None);
    }
}
