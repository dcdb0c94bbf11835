//! A local TLS server with a certificate made to order (its name, its
//! expiry, whether its issuer is handed out), so that the TLS certificate
//! probe is tested without reaching the internet.
//!
//! Each server has its own throwaway CA. The leaf certificate is valid for
//! one name (as its SAN and its common name) for the year up to the chosen
//! `not_after`; the CA is valid from well before to well after that, so a
//! test of an expired leaf is not also a test of an expired CA.
//!
//! ```no_run
//! # async fn example() {
//! use chrono::{TimeZone, Utc};
//! let not_after = Utc.with_ymd_and_hms(2025, 6, 11, 12, 0, 0).unwrap();
//! let server = sightline_test_support::tls::start_tls_server("localhost", not_after).await;
//! let host = format!("localhost:{}", server.address.port());
//! // ... a `tls` source with `hosts = [host]` and `ca_file = server.ca_pem_path` ...
//! # }
//! ```

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

/// The common name of every test CA (the decoy of an untrusted server too).
pub const TEST_CA_NAME: &str = "Sightline test CA";

/// How long the server keeps a finished handshake open for the client to
/// close it.
const LINGER: Duration = Duration::from_secs(5);

/// A TLS server on 127.0.0.1 that completes handshakes (and does nothing
/// else) until it is dropped.
#[derive(Debug)]
pub struct TlsServer {
    /// Where it listens: 127.0.0.1 and a free port.
    pub address: SocketAddr,
    /// A PEM file with one CA certificate, to give as a source's `ca_file`.
    /// For [`start_tls_server`] it is the CA that signed the leaf; for
    /// [`start_untrusted_tls_server`] it is a decoy with the same name that
    /// did not. The file lives as long as the server.
    pub ca_pem_path: PathBuf,
    /// The leaf's validity as written in the certificate (whole seconds).
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    _ca_pem: tempfile::NamedTempFile,
    accepting: JoinHandle<()>,
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        // Dropping the accept loop drops its listener and, through its
        // JoinSet, every open connection.
        self.accepting.abort();
    }
}

/// Starts a server for `name` whose leaf expires at `not_after` (cut to
/// whole seconds; a moment in the past makes an expired certificate),
/// signed by the CA written to `ca_pem_path`.
pub async fn start_tls_server(name: &str, not_after: DateTime<Utc>) -> TlsServer {
    start(name, not_after, true).await
}

/// Like [`start_tls_server`], but the leaf's CA is thrown away: nothing can
/// trust it, not even with `ca_pem_path` (a different CA of the same name).
pub async fn start_untrusted_tls_server(name: &str, not_after: DateTime<Utc>) -> TlsServer {
    start(name, not_after, false).await
}

async fn start(name: &str, not_after: DateTime<Utc>, hand_out_signer: bool) -> TlsServer {
    let not_after = DateTime::from_timestamp(not_after.timestamp(), 0).expect("a representable date");
    let not_before = not_after - TimeDelta::days(365);
    let ca_not_before = not_before - TimeDelta::days(365);
    let ca_not_after = not_after + TimeDelta::days(3650);

    let (signer, signer_pem) = make_ca(ca_not_before, ca_not_after);
    let ca_pem = if hand_out_signer { signer_pem } else { make_ca(ca_not_before, ca_not_after).1 };

    let leaf_key = KeyPair::generate().expect("a leaf key");
    let mut leaf = CertificateParams::new(vec![name.to_string()]).expect("a valid name for a certificate");
    leaf.distinguished_name = common_name(name);
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.use_authority_key_identifier_extension = true;
    set_validity(&mut leaf, not_before, not_after);
    let leaf_certificate = leaf.signed_by(&leaf_key, &signer).expect("a signed leaf");

    let mut ca_file =
        tempfile::Builder::new().prefix("sightline-test-ca-").suffix(".pem").tempfile().expect("a temp file");
    ca_file.write_all(ca_pem.as_bytes()).expect("the CA written");
    ca_file.flush().expect("the CA written");

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("the default protocol versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf_certificate.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .expect("a usable certificate and key");
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port on 127.0.0.1");
    let address = listener.local_addr().expect("the bound address");
    let accepting = tokio::spawn(serve(listener, acceptor));

    TlsServer { address, ca_pem_path: ca_file.path().to_path_buf(), not_before, not_after, _ca_pem: ca_file, accepting }
}

async fn serve(listener: TcpListener, acceptor: TlsAcceptor) {
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors, say: let some connections finish.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let acceptor = acceptor.clone();
        connections.spawn(async move {
            // A failed handshake is the client's business (it may have
            // given up on purpose); a finished one stays open until the
            // client closes it, for a while at most.
            if let Ok(mut connection) = acceptor.accept(stream).await {
                let mut buffer = [0_u8; 256];
                let _ = tokio::time::timeout(LINGER, connection.read(&mut buffer)).await;
            }
        });
        while connections.try_join_next().is_some() {}
    }
}

/// A fresh self-signed CA: its issuer (to sign with) and its PEM.
fn make_ca(not_before: DateTime<Utc>, not_after: DateTime<Utc>) -> (Issuer<'static, KeyPair>, String) {
    let key = KeyPair::generate().expect("a CA key");
    let mut params = CertificateParams::default();
    params.distinguished_name = common_name(TEST_CA_NAME);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    set_validity(&mut params, not_before, not_after);
    let certificate = params.self_signed(&key).expect("a self-signed CA");
    (Issuer::new(params, key), certificate.pem())
}

fn common_name(name: &str) -> DistinguishedName {
    let mut distinguished_name = DistinguishedName::new();
    distinguished_name.push(DnType::CommonName, name);
    distinguished_name
}

/// Sets the validity without naming the `time` crate that rcgen uses: its
/// dates are the Unix epoch plus a std duration.
fn set_validity(params: &mut CertificateParams, not_before: DateTime<Utc>, not_after: DateTime<Utc>) {
    let since_epoch =
        |at: DateTime<Utc>| Duration::from_secs(u64::try_from(at.timestamp()).expect("a date after 1970"));
    params.not_before = rcgen::date_time_ymd(1970, 1, 1) + since_epoch(not_before);
    params.not_after = rcgen::date_time_ymd(1970, 1, 1) + since_epoch(not_after);
}
