//! TLS certificate probe: Sightline's own check of the certificates the
//! company's hosts present, independent of anything a provider reports.
//!
//! For each configured `name:port` it connects (TCP, then a TLS handshake
//! with the name as SNI) and records the leaf certificate's subject, issuer
//! and validity, whether its chain is trusted (the system's roots plus the
//! source's `ca_file`) and whether it is valid for the name. A certificate
//! that fails those checks is exactly what the probe exists to find, so the
//! handshake accepts every certificate and the real rustls/webpki verifier
//! runs beside it only to record its verdict.
//!
//! What the two verdicts mean:
//! - `trusted` is about the chain of signatures up to a trusted root, judged
//!   at the run's `now`. Expiry is not part of it (the record's `not_after`
//!   shows that): a certificate outside its validity is judged again at the
//!   middle of its validity, so an expired certificate from a trusted CA is
//!   `trusted = Some(true)`.
//! - `name_matches` says whether the leaf is valid for the configured name
//!   (its SANs, wildcards included), checked on its own so that it is known
//!   for untrusted certificates too. A name mismatch leaves `trusted` as the
//!   chain deserves: rustls' verifier checks the chain before the name, so
//!   its `NotValidForName` errors mean the chain itself verified.

use std::io;
use std::net::Ipv6Addr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{WebPkiServerVerifier, verify_server_name};
use rustls::crypto::CryptoProvider;
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use sightline_domain::{Certificate, Provenance};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::{FetchError, FetchErrorKind, FetchRequest, Fetched, Field, FieldForm, Progress, ProgressSink, SourceSpec};

/// How long a finished probe waits to close its connection politely.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

/// The one TLS crypto provider, ring, made the process default on first use:
/// reqwest is built without one of its own and takes the default.
pub(crate) fn crypto_provider() -> Arc<CryptoProvider> {
    if let Some(installed) = CryptoProvider::get_default() {
        return installed.clone();
    }
    // Another thread may install it first; either way one is installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    CryptoProvider::get_default().expect("a TLS crypto provider installed just now").clone()
}

/// Splits `name:port` (or `[v6-address]:port`) into the name to connect to
/// and send as SNI, and the port. `None` when it is not in that form.
pub(crate) fn split_host(host: &str) -> Option<(String, u16)> {
    let (name, port) = host.rsplit_once(':')?;
    if port.is_empty() || !port.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let port = port.parse::<u16>().ok().filter(|port| *port != 0)?;
    let name = match name.strip_prefix('[') {
        Some(bracketed) => {
            let address = bracketed.strip_suffix(']')?;
            address.parse::<Ipv6Addr>().ok()?;
            address
        }
        // A bare IPv6 address would make the port ambiguous: it needs brackets.
        None if name.contains(':') => return None,
        None => name,
    };
    ServerName::try_from(name).ok()?;
    Some((name.to_string(), port))
}

/// This kind's entry in the registry (see [`crate::SourceSpec`]).
pub const SPEC: SourceSpec = SourceSpec {
    kind: "tls",
    display_name: "TLS certificate check",
    secret_form: None,
    incremental: false,
    probe: true,
    fields: &[
        Field {
            key: "hosts",
            label: "Websites to watch",
            hint: "One per line, or separated by commas, such as www.example.com:443 or portal.example.com:8443.",
            required: true,
            on_form: true,
            form: FieldForm::Hosts,
        },
        Field {
            key: "ca_file",
            label: "Extra certificate authorities",
            hint: "A PEM file of certificate authorities to trust besides the system's, for internal sites.",
            required: false,
            on_form: false,
            form: FieldForm::Path,
        },
    ],
    fetch: |request, progress| Box::pin(fetch(request, progress)),
};

pub(crate) async fn fetch(request: &FetchRequest<'_>, progress: ProgressSink<'_>) -> Result<Fetched, FetchError> {
    let source = request.source;
    // A probe sees every host's certificate as it is now: always a complete
    // snapshot, so a host removed from the list drops out of the cache.
    let mut fetched = Fetched { full: true, ..Fetched::default() };
    let roots = trusted_roots(request, &mut fetched.warnings).await?;
    let provider = crypto_provider();
    // The builder refuses an empty root store (no system roots and no
    // ca_file); then nothing is trusted, and the names are still checked.
    let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone()).build().ok();
    let judge = Arc::new(Judge { verifier, provider, now: unix_time(request.now) });

    // One host after another: the lists are short, and a host that never
    // answers costs at most the timeout for connecting plus the timeout for
    // the handshake. Each probe counts as one request and one page.
    let mut failures = Vec::new();
    for host in source.list("hosts") {
        let probed = probe(host, &judge, request.http.timeout).await;
        fetched.requests += 1;
        fetched.pages += 1;
        match probed.and_then(|seen| certificate(request, host, seen).map_err(Failure::Unusable)) {
            Ok((record, note)) => {
                fetched.batch.certificates.push(record);
                fetched.warnings.extend(note.map(|note| format!("{host}: {note}")));
            }
            Err(failure) => {
                let warning = format!("{host} {failure}");
                fetched.warnings.push(warning.clone());
                failures.push(warning);
            }
        }
        progress(Progress::fetching(&source.id, fetched.batch.certificates.len(), fetched.pages));
    }
    if !source.list("hosts").is_empty() && failures.len() == source.list("hosts").len() {
        return Err(FetchError::new(
            &source.id,
            FetchErrorKind::Connection,
            format!(
                "no host could be checked ({}): check the names and ports, and that this machine can reach them",
                failures.join("; ")
            ),
        ));
    }
    // A host that could not be checked this time keeps its last record
    // (which then shows as stale) rather than vanishing with its warning.
    fetched.full = failures.is_empty();
    Ok(fetched)
}

/// The system's trusted roots plus the source's `ca_file`.
pub(crate) async fn trusted_roots(request: &FetchRequest<'_>, warnings: &mut Vec<String>) -> Result<RootCertStore, FetchError> {
    let mut roots = RootCertStore::empty();
    // Reading the system's store is file I/O, some hundred files: off the
    // async threads.
    let native = tokio::task::spawn_blocking(rustls_native_certs::load_native_certs).await;
    let (certificates, reason) = match native {
        Ok(native) => (native.certs, native.errors.first().map(|error| format!(" ({error})")).unwrap_or_default()),
        Err(error) => (Vec::new(), format!(" ({error})")),
    };
    let (added, _unusable) = roots.add_parsable_certificates(certificates);
    if added == 0 {
        let only = if request.source.text("ca_file").is_some() { "only ca_file is trusted" } else { "nothing is trusted" };
        warnings.push(format!("the system's trusted certificates could not be loaded{reason}: {only}"));
    }
    if let Some(path) = &request.source.path("ca_file") {
        add_ca_file(&mut roots, path, &request.source.id).await?;
    }
    Ok(roots)
}

async fn add_ca_file(roots: &mut RootCertStore, path: &Path, source_id: &str) -> Result<(), FetchError> {
    let shown = path.display();
    let bytes = tokio::fs::read(path).await.map_err(|error| {
        FetchError::config(
            source_id,
            format!(
                "the ca_file {shown} could not be read ({}): fix the path, or remove ca_file to trust only the \
                 system's certificates",
                plain_io_error(&error)
            ),
        )
    })?;
    let certificates = CertificateDer::pem_slice_iter(&bytes).collect::<Result<Vec<_>, _>>().map_err(|error| {
        FetchError::config(source_id, format!("the ca_file {shown} is not a valid PEM file ({error}): replace it"))
    })?;
    if certificates.is_empty() {
        return Err(FetchError::config(
            source_id,
            format!(
                "the ca_file {shown} holds no PEM certificates: point ca_file at a file of \
                 -----BEGIN CERTIFICATE----- blocks"
            ),
        ));
    }
    let (added, _unusable) = roots.add_parsable_certificates(certificates);
    if added == 0 {
        return Err(FetchError::config(
            source_id,
            format!("none of the certificates in the ca_file {shown} can be used as a trusted root: replace it"),
        ));
    }
    Ok(())
}

/// Why one host yielded no certificate; shown after the host, as in
/// "www.example.com:443 could not be reached: connection refused".
#[derive(Debug)]
enum Failure {
    BadHost,
    Unreachable(String),
    Handshake(String),
    Unusable(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::BadHost => write!(formatter, "is not in the form name:port: correct it"),
            Failure::Unreachable(reason) => write!(formatter, "could not be reached: {reason}"),
            Failure::Handshake(reason) => write!(formatter, "did not complete a TLS handshake: {reason}"),
            Failure::Unusable(reason) => write!(formatter, "sent a certificate that could not be read: {reason}"),
        }
    }
}

/// What the handshake showed of one host.
#[derive(Debug)]
struct Seen {
    name: String,
    leaf: CertificateDer<'static>,
    verdict: Verdict,
    /// The handshake failed after the server had proved it holds the
    /// certificate's key (a server that demands a client certificate).
    late_failure: Option<String>,
}

#[derive(Debug, Clone, Copy)]
struct Verdict {
    trusted: bool,
    name_matches: Option<bool>,
}

async fn probe(host: &str, judge: &Arc<Judge>, timeout: Duration) -> Result<Seen, Failure> {
    let (name, port) = split_host(host).ok_or(Failure::BadHost)?;
    let server_name = ServerName::try_from(name.clone()).map_err(|_| Failure::BadHost)?;
    let seconds = timeout.as_secs_f64();
    let stream = match tokio::time::timeout(timeout, TcpStream::connect((name.as_str(), port))).await {
        Err(_) => return Err(Failure::Unreachable(format!("no answer within {seconds} s"))),
        Ok(Err(error)) => return Err(Failure::Unreachable(plain_io_error(&error))),
        Ok(Ok(stream)) => stream,
    };

    let recorder = Arc::new(Recorder { judge: judge.clone(), seen: Mutex::new(None), proven: AtomicBool::new(false) });
    let config = ClientConfig::builder_with_provider(judge.provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|error| Failure::Handshake(error.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(recorder.clone())
        .with_no_client_auth();
    let connector = TlsConnector::from(Arc::new(config));
    let late_failure = match tokio::time::timeout(timeout, connector.connect(server_name, stream)).await {
        Ok(Ok(mut connection)) => {
            // Close politely (close_notify), but never wait long for it.
            let _ = tokio::time::timeout(CLOSE_TIMEOUT, connection.shutdown()).await;
            None
        }
        Ok(Err(error)) => Some(plain_io_error(&error)),
        Err(_) => Some(format!("no answer within {seconds} s")),
    };
    let seen = recorder.seen.lock().unwrap_or_else(PoisonError::into_inner).take();
    match (seen, late_failure) {
        (Some((leaf, verdict)), None) => Ok(Seen { name, leaf, verdict, late_failure: None }),
        // A certificate whose key the server proved it holds is measured
        // even when the handshake fails afterwards; without that proof it
        // may not be the host's at all.
        (Some((leaf, verdict)), Some(reason)) if recorder.proven.load(Ordering::SeqCst) => {
            Ok(Seen { name, leaf, verdict, late_failure: Some(reason) })
        }
        (_, Some(reason)) => Err(Failure::Handshake(reason)),
        (None, None) => Err(Failure::Handshake("the server sent no certificate".into())),
    }
}

fn certificate(request: &FetchRequest<'_>, host: &str, seen: Seen) -> Result<(Certificate, Option<String>), String> {
    let (_, parsed) = x509_parser::parse_x509_certificate(&seen.leaf).map_err(|error| error.to_string())?;
    let validity = parsed.validity();
    let time = |at: &x509_parser::time::ASN1Time| {
        DateTime::<Utc>::from_timestamp(at.timestamp(), 0).ok_or_else(|| format!("the date {at} is out of range"))
    };
    let record = Certificate {
        provenance: Provenance {
            source_id: request.source.id.clone(),
            record_id: host.to_string(),
            fetched_at: request.now,
        },
        vendor_id: request.source.vendor.clone(),
        host: seen.name,
        subject: parsed.subject().to_string(),
        issuer: parsed.issuer().to_string(),
        not_before: time(&validity.not_before)?,
        not_after: time(&validity.not_after)?,
        trusted: Some(seen.verdict.trusted),
        name_matches: seen.verdict.name_matches,
    };
    let note = seen
        .late_failure
        .map(|reason| format!("the certificate was recorded, but the handshake then failed: {reason}"));
    Ok((record, note))
}

/// Judges certificates with the real webpki verifier, at the run's `now`.
#[derive(Debug)]
struct Judge {
    verifier: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
    now: UnixTime,
}

impl Judge {
    fn judge(&self, leaf: &CertificateDer<'_>, intermediates: &[CertificateDer<'_>], name: &ServerName<'_>) -> Verdict {
        let name_matches =
            ParsedCertificate::try_from(leaf).ok().map(|parsed| verify_server_name(&parsed, name).is_ok());
        let trusted = self.verifier.as_ref().is_some_and(|verifier| {
            match verifier.verify_server_cert(leaf, intermediates, name, &[], self.now) {
                Ok(_) => true,
                Err(error) if is_name_mismatch(&error) => true,
                // Expiry shows in not_after; trust is about the signatures,
                // so judge them again at a moment the leaf was valid.
                Err(error) if is_outside_validity(&error) => validity_middle(leaf).is_some_and(|then| {
                    match verifier.verify_server_cert(leaf, intermediates, name, &[], then) {
                        Ok(_) => true,
                        Err(error) => is_name_mismatch(&error),
                    }
                }),
                Err(_) => false,
            }
        });
        Verdict { trusted, name_matches }
    }
}

fn is_name_mismatch(error: &rustls::Error) -> bool {
    matches!(
        error,
        rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
        )
    )
}

fn is_outside_validity(error: &rustls::Error) -> bool {
    matches!(
        error,
        rustls::Error::InvalidCertificate(
            CertificateError::Expired
                | CertificateError::ExpiredContext { .. }
                | CertificateError::NotValidYet
                | CertificateError::NotValidYetContext { .. }
        )
    )
}

/// The middle of the leaf's validity period.
fn validity_middle(leaf: &CertificateDer<'_>) -> Option<UnixTime> {
    let (_, parsed) = x509_parser::parse_x509_certificate(leaf).ok()?;
    let not_before = parsed.validity().not_before.timestamp();
    let not_after = parsed.validity().not_after.timestamp();
    let middle = not_before + (not_after - not_before) / 2;
    Some(UnixTime::since_unix_epoch(Duration::from_secs(u64::try_from(middle).ok()?)))
}

fn unix_time(at: DateTime<Utc>) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(u64::try_from(at.timestamp()).unwrap_or(0)))
}

/// The handshake's certificate verifier for one connection: it lets every
/// certificate through and keeps the leaf with the judge's verdict. The
/// handshake's own signatures are still verified with the provider's real
/// algorithms, so the server must hold the certificate's key.
#[derive(Debug)]
struct Recorder {
    judge: Arc<Judge>,
    seen: Mutex<Option<(CertificateDer<'static>, Verdict)>>,
    /// Set once the server's handshake signature verified.
    proven: AtomicBool,
}

impl Recorder {
    fn signature_checked(
        &self,
        outcome: Result<HandshakeSignatureValid, rustls::Error>,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        if outcome.is_ok() {
            self.proven.store(true, Ordering::SeqCst);
        }
        outcome
    }
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        // The run's `now` is used instead, so that trust is judged at the
        // same moment the records are stamped with.
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self.judge.judge(end_entity, intermediates, server_name);
        *self.seen.lock().unwrap_or_else(PoisonError::into_inner) = Some((end_entity.clone().into_owned(), verdict));
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.judge.provider.signature_verification_algorithms;
        self.signature_checked(rustls::crypto::verify_tls12_signature(message, cert, dss, algorithms))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.judge.provider.signature_verification_algorithms;
        self.signature_checked(rustls::crypto::verify_tls13_signature(message, cert, dss, algorithms))
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.judge.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// An I/O error in plain words: "connection refused", not
/// "Connection refused (os error 111)".
fn plain_io_error(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        io::ErrorKind::ConnectionReset => "the connection was reset".into(),
        io::ErrorKind::ConnectionAborted => "the connection was aborted".into(),
        io::ErrorKind::UnexpectedEof => "the connection was closed".into(),
        io::ErrorKind::TimedOut => "the connection timed out".into(),
        io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable => "no route to the host".into(),
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let text = error.to_string();
            let text = match text.find(" (os error") {
                Some(at) => text[..at].to_string(),
                None => text,
            };
            let mut characters = text.chars();
            match characters.next() {
                Some(first) => first.to_lowercase().chain(characters).collect(),
                None => "unknown error".into(),
            }
        }
    }
}
