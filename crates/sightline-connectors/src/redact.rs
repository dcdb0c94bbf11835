//! The one redaction step every piece of server text passes before it goes
//! into an error message: some servers and proxies echo the request's
//! headers back in an error page, credentials included.

use std::fmt;

use base64::Engine;
use reqwest::header::HeaderMap;

/// What a redacted value is replaced with.
pub(crate) const REDACTED: &str = "[redacted]";

/// Labels whose value is a credential, lowercase, longest first so that
/// `access_token` wins over `token`.
const LABELS: &[&str] = &[
    "apiintegrationcode",
    "authorization",
    "refresh_token",
    "client_secret",
    "access_token",
    "accesskey",
    "secretkey",
    "password",
    "clientid",
    "api_key",
    "api-key",
    "apikey",
    "bearer",
    "secret",
    "basic",
    "token",
];

/// Request headers that never carry a credential; every other header a
/// connector sets (`Authorization`, `clientId`, `Secret`, `UserName`,
/// `ApiIntegrationCode`) is treated as one.
const PLAIN_HEADERS: &[&str] =
    &["accept", "accept-encoding", "accept-language", "content-length", "content-type", "host", "user-agent"];

/// Shorter values are not redacted by themselves: they would match
/// ordinary words and say little about the secret.
const SHORTEST_SECRET: usize = 4;

/// Returns `text` with every credential replaced by `[redacted]`: each value
/// in `secrets` (with, for an HTTP Basic credential, its decoded
/// `user:pass` and each part), and whatever follows a credential label
/// (`Authorization:`, `Bearer `, `"client_secret": "..."`, `apikey=`).
/// Labels are matched without regard to case and may be followed by `:`,
/// `=` or whitespace, so prose such as "token expired" loses its next word
/// too: a redacted word costs less than a leaked secret.
pub(crate) fn redact(text: &str, secrets: &[String]) -> String {
    let labelled = redact_labelled(text);
    let literals = literals(secrets);
    if literals.is_empty() {
        return labelled;
    }
    let mut redacted = String::with_capacity(labelled.len());
    let mut rest = labelled.as_str();
    while let Some(next) = rest.chars().next() {
        // A marker already in place is kept whole, so that a short secret
        // cannot match inside it.
        if rest.starts_with(REDACTED) {
            redacted.push_str(REDACTED);
            rest = &rest[REDACTED.len()..];
        } else if let Some(literal) = literals.iter().find(|literal| rest.starts_with(literal.as_str())) {
            redacted.push_str(REDACTED);
            rest = &rest[literal.len()..];
        } else {
            redacted.push(next);
            rest = &rest[next.len_utf8()..];
        }
    }
    redacted
}

/// The credential values of a request: its headers but the plain ones.
/// Kept so that the response to the request can be redacted; `Debug` never
/// shows them.
#[derive(Clone, Default)]
pub(crate) struct SentSecrets(Vec<String>);

impl SentSecrets {
    pub fn from_headers(headers: &HeaderMap) -> SentSecrets {
        let values = headers
            .iter()
            .filter(|(name, _)| !PLAIN_HEADERS.contains(&name.as_str()))
            .map(|(_, value)| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .collect();
        SentSecrets(values)
    }

    pub fn redact(&self, text: &str) -> String {
        redact(text, &self.0)
    }
}

impl fmt::Debug for SentSecrets {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "SentSecrets({} redacted)", self.0.len())
    }
}

/// The exact strings to remove, longest first so that `user:pass` goes
/// whole before its parts are looked for.
fn literals(secrets: &[String]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut add = |value: &str| {
        let value = value.trim();
        if value.chars().count() < SHORTEST_SECRET {
            return;
        }
        // The form-encoded spelling, as an echoed query or form shows it.
        let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
        for form in [value.to_string(), encoded] {
            if !found.contains(&form) {
                found.push(form);
            }
        }
    };
    for secret in secrets {
        let secret = secret.trim();
        add(secret);
        // `name=value; name=value` (Tenable's X-ApiKeys): each value alone.
        for part in secret.split(';') {
            if let Some((_, value)) = part.split_once('=') {
                add(value);
            }
        }
        // `Scheme credentials`: the credentials alone, as a server may
        // quote them without the scheme.
        let Some((scheme, credentials)) = secret.split_once(char::is_whitespace) else { continue };
        let credentials = credentials.trim();
        add(credentials);
        if !scheme.eq_ignore_ascii_case("basic") {
            continue;
        }
        let engines = [base64::engine::general_purpose::STANDARD, base64::engine::general_purpose::STANDARD_NO_PAD];
        let Some(decoded) = engines.iter().find_map(|engine| engine.decode(credentials).ok()) else { continue };
        let Ok(pair) = String::from_utf8(decoded) else { continue };
        add(&pair);
        if let Some((user, password)) = pair.split_once(':') {
            add(user);
            add(password);
            // ConnectWise's user is `company+publicKey`.
            user.split('+').for_each(&mut add);
        }
    }
    found.sort_by_key(|literal| std::cmp::Reverse(literal.len()));
    found
}

/// Replaces the value after each credential label.
fn redact_labelled(text: &str) -> String {
    let mut redacted = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at < text.len() {
        match labelled_value(text.as_bytes(), at) {
            Some((start, end)) => {
                redacted.push_str(&text[copied..start]);
                redacted.push_str(REDACTED);
                copied = end;
                at = end;
            }
            None => at += 1,
        }
    }
    redacted.push_str(&text[copied..]);
    redacted
}

/// Where the value of a label starting at byte `at` lies, if one does.
/// Labels and separators are ASCII, so every index returned falls on a
/// character boundary.
fn labelled_value(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let joins_word = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-';
    if at > 0 && bytes[at - 1].is_ascii_alphanumeric() {
        return None;
    }
    let rest = &bytes[at..];
    let label = LABELS
        .iter()
        .find(|label| rest.len() >= label.len() && rest[..label.len()].eq_ignore_ascii_case(label.as_bytes()))?;
    let mut index = at + label.len();
    if bytes.get(index).is_some_and(|byte| joins_word(*byte)) {
        return None;
    }
    let skip_spaces = |mut index: usize| {
        while bytes.get(index).is_some_and(u8::is_ascii_whitespace) {
            index += 1;
        }
        index
    };
    // The closing quote of a JSON key, then `:`, `=` or whitespace.
    if matches!(bytes.get(index), Some(b'"' | b'\'')) {
        index += 1;
    }
    let after_label = index;
    index = skip_spaces(index);
    if matches!(bytes.get(index), Some(b':' | b'=')) {
        index = skip_spaces(index + 1);
    } else if index == after_label {
        return None;
    }
    // A JSON array of values (`"Authorization": ["Basic ..."]`).
    if bytes.get(index) == Some(&b'[') {
        index = skip_spaces(index + 1);
    }
    if let Some(&quote @ (b'"' | b'\'')) = bytes.get(index) {
        let start = index + 1;
        let mut end = start;
        while end < bytes.len() && bytes[end] != quote {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        let end = end.min(bytes.len());
        return (end > start).then_some((start, end));
    }
    let start = index;
    let mut end = token_end(bytes, start);
    // `Authorization: Basic <credentials>`: a scheme word, then the
    // credentials.
    let is_scheme = end > start && bytes[start..end].iter().all(u8::is_ascii_alphabetic);
    if *label == "authorization" && is_scheme {
        let next = skip_spaces(end);
        let next_end = token_end(bytes, next);
        if next > end && next_end > next {
            end = next_end;
        }
    }
    (end > start).then_some((start, end))
}

/// The end of an unquoted value: base64, tokens and `user:pass` run until
/// whitespace or punctuation that ends a value in headers, JSON or forms.
fn token_end(bytes: &[u8], start: usize) -> usize {
    let ends = |byte: u8| byte.is_ascii_whitespace() || b"\"',;&<>(){}[]".contains(&byte);
    let mut end = start;
    while end < bytes.len() && !ends(bytes[end]) {
        end += 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, secrets: &[&str], expected: &str) {
        let secrets: Vec<String> = secrets.iter().map(|secret| secret.to_string()).collect();
        assert_eq!(redact(text, &secrets), expected, "redacting {text:?}");
    }

    #[test]
    fn secrets_are_replaced_wherever_they_appear() {
        check("no such field: Sup3rS3cretPart", &["Sup3rS3cretPart"], "no such field: [redacted]");
        check("x=Sup3rS3cretPart,y=Sup3rS3cretPart", &["Sup3rS3cretPart"], "x=[redacted],y=[redacted]");
        // Too short to redact on its own, and not a marker's inside either.
        check("abc is fine", &["abc"], "abc is fine");
        check("a form echo: s3cret%2Bwith%2Fodd", &["s3cret+with/odd"], "a form echo: [redacted]");
    }

    #[test]
    fn a_basic_credential_is_redacted_encoded_decoded_and_in_parts() {
        // base64("kestrel+PubKeyValue:Sup3rS3cretPart")
        let basic = "Basic a2VzdHJlbCtQdWJLZXlWYWx1ZTpTdXAzclMzY3JldFBhcnQ=";
        check(
            "echo a2VzdHJlbCtQdWJLZXlWYWx1ZTpTdXAzclMzY3JldFBhcnQ= / kestrel+PubKeyValue:Sup3rS3cretPart / \
             Sup3rS3cretPart / PubKeyValue",
            &[basic],
            "echo [redacted] / [redacted] / [redacted] / [redacted]",
        );
    }

    #[test]
    fn each_key_of_an_api_keys_header_is_redacted_alone() {
        let header = "accessKey=tenable-access-0011; secretKey=tenable-secret-9";
        check(
            "bad keys: tenable-secret-9 (access tenable-access-0011); {\"secretKey\": \"x-y-z-w\"}",
            &[header],
            "bad keys: [redacted] (access [redacted]); {\"secretKey\": \"[redacted]\"}",
        );
    }

    #[test]
    fn labelled_values_are_replaced() {
        check(
            "bad filter; you sent Authorization: Basic dXNlcjpwYXNz; clientId: 0f1e2d3c",
            &[],
            "bad filter; you sent Authorization: [redacted]; clientId: [redacted]",
        );
        check(
            r#"{"Authorization": "Bearer eyJhbGciOi.x.y", "access_token":"tok-123", "token_type":"Bearer"}"#,
            &[],
            r#"{"Authorization": "[redacted]", "access_token":"[redacted]", "token_type":"Bearer"}"#,
        );
        check(
            "grant_type=client_credentials&client_secret=abc%2Bdef&scope=all",
            &[],
            "grant_type=client_credentials&client_secret=[redacted]&scope=all",
        );
        check(
            "PASSWORD = hunter22, X-Api-Key:k-1 ApiIntegrationCode=TRACK1 Secret: s-9 apikey 77",
            &[],
            "PASSWORD = [redacted], X-Api-Key:[redacted] ApiIntegrationCode=[redacted] Secret: [redacted] apikey \
             [redacted]",
        );
        check(
            r#"{"headers": {"Authorization": ["Basic QWxhZGRpbg=="]}}"#,
            &[],
            r#"{"headers": {"Authorization": ["[redacted]"]}}"#,
        );
        // Words that merely begin with a label, or labels with nothing
        // after them, are left alone.
        check("tokens secretary passwords basically; token", &[], "tokens secretary passwords basically; token");
    }

    #[test]
    fn text_without_credentials_is_unchanged() {
        check(
            "Invalid condition: lastUpdated>=[2024-01-01] (üñíçødé)",
            &["Sup3rS3cretPart"],
            "Invalid condition: lastUpdated>=[2024-01-01] (üñíçødé)",
        );
        check("", &["Sup3rS3cretPart"], "");
    }

    #[test]
    fn sent_secrets_skip_plain_headers_and_never_show_in_debug() {
        let mut headers = HeaderMap::new();
        headers.insert("accept", "application/json".parse().unwrap());
        headers.insert("content-type", "application/json".parse().unwrap());
        headers.insert("clientId", "Sup3rClientId".parse().unwrap());
        let secrets = SentSecrets::from_headers(&headers);
        assert_eq!(format!("{secrets:?}"), "SentSecrets(1 redacted)");
        assert_eq!(
            secrets.redact("you sent application/json and Sup3rClientId"),
            "you sent application/json and [redacted]"
        );
    }
}
