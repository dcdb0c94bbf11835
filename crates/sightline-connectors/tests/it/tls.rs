//! The TLS certificate probe against local TLS servers (127.0.0.1 only):
//! what it records for trusted, mismatched, untrusted and expired
//! certificates, and how it reports hosts it cannot check.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use sightline_connectors::{FetchError, FetchErrorKind, FetchRequest, Fetched, HttpOptions, Phase, SourceConfig};
use sightline_test_support::tls::{TEST_CA_NAME, TlsServer, start_tls_server, start_untrusted_tls_server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The run's "now": the probe judges certificates at this moment, so the
/// tests do not depend on the clock.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap()
}

fn source(hosts: &[String], ca_file: Option<&Path>) -> SourceConfig {
    let mut table = serde_json::json!({ "id": "certs", "kind": "tls", "vendor": "acme", "hosts": hosts });
    if let Some(path) = ca_file {
        table["ca_file"] = serde_json::json!(path);
    }
    let source: SourceConfig = serde_json::from_value(table).unwrap();
    assert_eq!(source.check(), Vec::<String>::new());
    source
}

/// Probes `hosts` and returns the outcome and the progress it reported.
async fn probe(
    hosts: &[String],
    ca_file: Option<&Path>,
    timeout: Duration,
) -> (Result<Fetched, FetchError>, Vec<String>) {
    let source = source(hosts, ca_file);
    let http = HttpOptions { timeout, ..HttpOptions::default() };
    let request =
        FetchRequest { source: &source, secret: None, since: None, now: now(), http: &http, known_content: None };
    let progress = Mutex::new(Vec::new());
    let sink = |update: sightline_connectors::Progress| {
        assert_eq!(update.source_id, "certs");
        if update.phase == Phase::Fetching {
            progress.lock().unwrap().push(format!("{} records after {} hosts", update.records, update.pages));
        }
    };
    let outcome = sightline_connectors::fetch(request, &sink).await;
    (outcome, progress.into_inner().unwrap())
}

/// Writes the certificates and warnings out one per line, with each port
/// replaced by its label so that the expected text can be written out.
fn show(fetched: &Fetched, ports: &[(u16, &str)]) -> String {
    let mut lines = Vec::new();
    for certificate in &fetched.batch.certificates {
        assert_eq!(certificate.provenance.source_id, "certs");
        assert_eq!(certificate.provenance.fetched_at, now());
        assert_eq!(certificate.vendor_id, "acme");
        lines.push(format!(
            "certificate {} host={} subject={} issuer={} valid={}..{} trusted={:?} name_matches={:?}",
            certificate.provenance.record_id,
            certificate.host,
            certificate.subject,
            certificate.issuer,
            certificate.not_before.to_rfc3339(),
            certificate.not_after.to_rfc3339(),
            certificate.trusted,
            certificate.name_matches,
        ));
    }
    for warning in &fetched.warnings {
        lines.push(format!("warning {warning}"));
    }
    label_ports(&lines.join("\n"), ports)
}

fn label_ports(text: &str, ports: &[(u16, &str)]) -> String {
    ports.iter().fold(text.to_string(), |text, (port, label)| text.replace(&format!(":{port}"), &format!(":{label}")))
}

/// Probes the hosts and compares what was recorded with `expected`.
async fn check(hosts: &[String], ca_file: Option<&Path>, ports: &[(u16, &str)], expected: &str) -> Fetched {
    let (outcome, progress) = probe(hosts, ca_file, Duration::from_secs(10)).await;
    let fetched = outcome.unwrap();
    assert_eq!(show(&fetched, ports), expected.trim());
    // A probe that reached every host is a complete snapshot; one that
    // missed some merges, so the missed hosts keep their last record.
    assert_eq!(
        fetched.full,
        fetched.warnings.iter().all(|w| !w.contains("could not") && !w.contains("no answer")),
        "{:?}",
        fetched.warnings
    );
    assert_eq!(fetched.requests as usize, hosts.len());
    assert_eq!(progress.len(), hosts.len(), "progress once per host: {progress:?}");
    fetched
}

fn localhost(server: &TlsServer) -> String {
    format!("localhost:{}", server.address.port())
}

/// A port on 127.0.0.1 that nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn trusted_certificate_for_the_right_name() {
    let server = start_tls_server("localhost", now() + TimeDelta::days(10)).await;
    let port = server.address.port();
    let fetched = check(
        &[localhost(&server)],
        Some(&server.ca_pem_path),
        &[(port, "GOOD")],
        "certificate localhost:GOOD host=localhost subject=CN=localhost issuer=CN=Sightline test CA \
         valid=2024-06-11T12:00:00+00:00..2025-06-11T12:00:00+00:00 trusted=Some(true) name_matches=Some(true)",
    )
    .await;
    let certificate = &fetched.batch.certificates[0];
    assert_eq!(certificate.not_after, server.not_after);
    assert_eq!(certificate.not_before, server.not_before);
    assert_eq!(certificate.issuer, format!("CN={TEST_CA_NAME}"));
}

#[tokio::test]
async fn certificate_for_another_name_is_recorded_as_a_mismatch() {
    let server = start_tls_server("www.example.test", now() + TimeDelta::days(10)).await;
    check(
        &[localhost(&server)],
        Some(&server.ca_pem_path),
        &[(server.address.port(), "OTHER")],
        "certificate localhost:OTHER host=localhost subject=CN=www.example.test issuer=CN=Sightline test CA \
         valid=2024-06-11T12:00:00+00:00..2025-06-11T12:00:00+00:00 trusted=Some(true) name_matches=Some(false)",
    )
    .await;
}

#[tokio::test]
async fn certificate_from_an_unknown_ca_is_recorded_as_untrusted() {
    let server = start_tls_server("localhost", now() + TimeDelta::days(10)).await;
    let host = localhost(&server);
    let port = server.address.port();
    // Without ca_file only the system's roots are trusted.
    check(
        std::slice::from_ref(&host),
        None,
        &[(port, "SELF_MADE")],
        "certificate localhost:SELF_MADE host=localhost subject=CN=localhost issuer=CN=Sightline test CA \
         valid=2024-06-11T12:00:00+00:00..2025-06-11T12:00:00+00:00 trusted=Some(false) name_matches=Some(true)",
    )
    .await;

    // A CA with the same name that did not sign the leaf is no help.
    let impostor = start_untrusted_tls_server("localhost", now() + TimeDelta::days(10)).await;
    check(
        &[localhost(&impostor)],
        Some(&impostor.ca_pem_path),
        &[(impostor.address.port(), "IMPOSTOR")],
        "certificate localhost:IMPOSTOR host=localhost subject=CN=localhost issuer=CN=Sightline test CA \
         valid=2024-06-11T12:00:00+00:00..2025-06-11T12:00:00+00:00 trusted=Some(false) name_matches=Some(true)",
    )
    .await;
}

#[tokio::test]
async fn expired_certificate_is_recorded_with_its_chain_judged_apart() {
    let expired = start_tls_server("localhost", now() - TimeDelta::days(3)).await;
    let untrusted = start_untrusted_tls_server("localhost", now() - TimeDelta::days(3)).await;
    // Trust is about the signatures; the expiry shows in `valid`.
    check(
        &[localhost(&expired), localhost(&untrusted)],
        Some(&expired.ca_pem_path),
        &[(expired.address.port(), "EXPIRED"), (untrusted.address.port(), "UNTRUSTED")],
        "
certificate localhost:EXPIRED host=localhost subject=CN=localhost issuer=CN=Sightline test CA valid=2024-05-29T12:00:00+00:00..2025-05-29T12:00:00+00:00 trusted=Some(true) name_matches=Some(true)
certificate localhost:UNTRUSTED host=localhost subject=CN=localhost issuer=CN=Sightline test CA valid=2024-05-29T12:00:00+00:00..2025-05-29T12:00:00+00:00 trusted=Some(false) name_matches=Some(true)",
    )
    .await;
}

#[tokio::test]
async fn unreachable_host_is_a_warning_beside_the_others() {
    let server = start_tls_server("localhost", now() + TimeDelta::days(10)).await;
    let closed = closed_port();
    let fetched = check(
        &[format!("127.0.0.1:{closed}"), localhost(&server)],
        Some(&server.ca_pem_path),
        &[(closed, "CLOSED"), (server.address.port(), "GOOD")],
        "
certificate localhost:GOOD host=localhost subject=CN=localhost issuer=CN=Sightline test CA valid=2024-06-11T12:00:00+00:00..2025-06-11T12:00:00+00:00 trusted=Some(true) name_matches=Some(true)
warning 127.0.0.1:CLOSED could not be reached: connection refused",
    )
    .await;
    assert_eq!(fetched.batch.certificates.len(), 1);
}

#[tokio::test]
async fn hosts_that_do_not_speak_tls_are_warnings() {
    let server = start_tls_server("localhost", now() + TimeDelta::days(10)).await;
    // A plain-HTTP server answers the TLS hello with text. It reads the
    // hello first and waits for the client to hang up, so that closing
    // early cannot turn its answer into a connection reset.
    let plain = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let plain_port = plain.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = plain.accept().await {
            let mut buffer = [0_u8; 4096];
            let _ = stream.read(&mut buffer).await;
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").await;
            let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut Vec::new())).await;
        }
    });
    // A listener that never accepts: the kernel completes the TCP
    // handshake, then nothing ever answers the TLS hello.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port();

    let hosts = [format!("127.0.0.1:{plain_port}"), format!("127.0.0.1:{silent_port}"), localhost(&server)];
    let (outcome, progress) = probe(&hosts, Some(&server.ca_pem_path), Duration::from_secs(2)).await;
    let fetched = outcome.unwrap();
    assert_eq!(
        show(&fetched, &[(plain_port, "PLAIN"), (silent_port, "SILENT"), (server.address.port(), "GOOD")]),
        "\
certificate localhost:GOOD host=localhost subject=CN=localhost issuer=CN=Sightline test CA valid=2024-06-11T12:00:00+00:00..2025-06-11T12:00:00+00:00 trusted=Some(true) name_matches=Some(true)
warning 127.0.0.1:PLAIN did not complete a TLS handshake: received corrupt message of type InvalidContentType
warning 127.0.0.1:SILENT did not complete a TLS handshake: no answer within 2 s"
    );
    assert_eq!(progress, ["0 records after 1 hosts", "0 records after 2 hosts", "1 records after 3 hosts"]);
    drop(silent);
}

#[tokio::test]
async fn every_host_unreachable_fails_the_fetch() {
    let (first, second) = (closed_port(), closed_port());
    let hosts = [format!("127.0.0.1:{first}"), format!("127.0.0.1:{second}")];
    let (outcome, _) = probe(&hosts, None, Duration::from_secs(10)).await;
    let error = outcome.unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Connection);
    assert!(error.kind.retryable());
    assert_eq!(
        label_ports(&error.message, &[(first, "FIRST"), (second, "SECOND")]),
        "no host could be checked (127.0.0.1:FIRST could not be reached: connection refused; 127.0.0.1:SECOND could \
         not be reached: connection refused): check the names and ports, and that this machine can reach them"
    );
}

#[tokio::test]
async fn unusable_ca_file_is_a_configuration_error() {
    let directory = tempfile::tempdir().unwrap();
    let missing = directory.path().join("missing.pem");
    let empty = directory.path().join("empty.pem");
    std::fs::write(&empty, "this is not a certificate\n").unwrap();
    let host = format!("127.0.0.1:{}", closed_port());

    let cases = [
        (
            &missing,
            "the ca_file DIR/missing.pem could not be read (no such file): fix the path, or remove ca_file to trust \
             only the system's certificates",
        ),
        (
            &empty,
            "the ca_file DIR/empty.pem holds no PEM certificates: point ca_file at a file of -----BEGIN \
             CERTIFICATE----- blocks",
        ),
    ];
    for (path, expected) in cases {
        let (outcome, _) = probe(std::slice::from_ref(&host), Some(path), Duration::from_secs(10)).await;
        let error = outcome.unwrap_err();
        assert_eq!(error.kind, FetchErrorKind::Config);
        assert_eq!(error.message.replace(&directory.path().display().to_string(), "DIR"), expected);
    }
}

#[test]
fn hosts_must_be_name_and_port() {
    let hosts = [
        "www.example.com:443",
        "localhost:8443",
        "192.0.2.7:443",
        "[::1]:443",
        "www.example.com",
        "www.example.com:",
        "www.example.com:https",
        "www.example.com:0",
        "www.example.com:70000",
        "::1:443",
        "[::1:443",
        ":443",
        "bad name:443",
    ];
    let mut source = source(&["www.example.com:443".to_string()], None);
    source.set("hosts", sightline_connectors::Setting::List(hosts.iter().map(|host| host.to_string()).collect()));
    let problems = source.check().join("\n");
    assert_eq!(
        problems,
        "\
the host 'www.example.com' is not in the form name:port (e.g. www.example.com:443)
the host 'www.example.com:' is not in the form name:port (e.g. www.example.com:443)
the host 'www.example.com:https' is not in the form name:port (e.g. www.example.com:443)
the host 'www.example.com:0' is not in the form name:port (e.g. www.example.com:443)
the host 'www.example.com:70000' is not in the form name:port (e.g. www.example.com:443)
the host '::1:443' is not in the form name:port (e.g. www.example.com:443)
the host '[::1:443' is not in the form name:port (e.g. www.example.com:443)
the host ':443' is not in the form name:port (e.g. www.example.com:443)
the host 'bad name:443' is not in the form name:port (e.g. www.example.com:443)"
    );
}
