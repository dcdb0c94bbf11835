//! A domain's posture as DNS and its registry publish it: who may send
//! e-mail as it (SPF and DMARC), where its mail goes (MX), and when its
//! registration runs out (RDAP). The verdicts here are pure readings of
//! the published records, so the engine and the screens word them alike.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Provenance;

/// One of the company's domains as read from DNS and its registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainPosture {
    pub provenance: Provenance,
    pub vendor_id: String,
    /// The domain, lower case, without a trailing dot.
    pub domain: String,
    /// The TXT records at the domain that are SPF policies (`v=spf1 …`).
    pub spf: Vec<String>,
    /// The TXT records at `_dmarc.<domain>` that are DMARC policies.
    pub dmarc: Vec<String>,
    /// The mail servers its MX records name, most preferred first.
    pub mail_servers: Vec<String>,
    /// When its registration runs out, where the registry said.
    pub expires_at: Option<DateTime<Utc>>,
    pub registrar: Option<String>,
}

/// What a domain's DMARC record tells receivers to do with mail that
/// fails its checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DmarcPolicy {
    /// Deliver it anyway (monitoring only).
    None,
    /// Deliver it to the junk folder.
    Quarantine,
    /// Refuse it.
    Reject,
}

/// Why anyone can send e-mail that passes as the domain's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spoofing {
    /// Its SPF record ends in `+all` (or a bare `all`): every server on the
    /// internet passes, and so does DMARC.
    SpfAllowsAll,
    /// No DMARC record at all.
    NoDmarc,
    /// More than one DMARC record, which receivers must ignore (RFC 7489 6.6.3).
    SeveralDmarc,
    /// A DMARC record without a valid `p=` policy.
    InvalidDmarc,
    /// `p=none`: receivers are asked to deliver failing mail.
    DmarcNone,
}

impl Spoofing {
    /// Why, in words, after "anyone can send e-mail as <domain>: ".
    pub fn reason(self) -> &'static str {
        match self {
            Spoofing::SpfAllowsAll => "its SPF record lets every server on the internet send as it (+all)",
            Spoofing::NoDmarc => "it publishes no DMARC policy",
            Spoofing::SeveralDmarc => "it publishes more than one DMARC record, so receivers ignore them all",
            Spoofing::InvalidDmarc => "its DMARC record has no valid policy",
            Spoofing::DmarcNone => "its DMARC policy is none",
        }
    }

    /// Whether the door is wide open rather than merely unlocked: `+all`
    /// vouches for forgeries, and with neither SPF nor DMARC nothing
    /// speaks against them.
    pub fn severe(self, has_spf: bool) -> bool {
        self == Spoofing::SpfAllowsAll || (self == Spoofing::NoDmarc && !has_spf)
    }
}

impl DomainPosture {
    /// The DMARC policy, when exactly one valid record is published.
    pub fn dmarc_policy(&self) -> Option<DmarcPolicy> {
        match self.dmarc.as_slice() {
            [record] => dmarc_policy(record),
            _ => None,
        }
    }

    /// Whether its only SPF record vouches for every server: its first
    /// `all` term (the only one receivers evaluate, RFC 7208 5.1) has the
    /// `+` qualifier, written or implied.
    pub fn spf_allows_all(&self) -> bool {
        match self.spf.as_slice() {
            [record] => record
                .split_whitespace()
                .skip(1)
                .map(str::to_ascii_lowercase)
                .find(|term| term.trim_start_matches(['+', '-', '~', '?']) == "all")
                .is_some_and(|term| term == "all" || term == "+all"),
            _ => false,
        }
    }

    /// Why anyone can send e-mail as the domain, if they can: the worst
    /// reason first.
    pub fn spoofing(&self) -> Option<Spoofing> {
        if self.spf_allows_all() {
            return Some(Spoofing::SpfAllowsAll);
        }
        match self.dmarc.len() {
            0 => return Some(Spoofing::NoDmarc),
            1 => {}
            _ => return Some(Spoofing::SeveralDmarc),
        }
        match self.dmarc_policy() {
            None => Some(Spoofing::InvalidDmarc),
            Some(DmarcPolicy::None) => Some(Spoofing::DmarcNone),
            Some(DmarcPolicy::Quarantine | DmarcPolicy::Reject) => None,
        }
    }
}

/// Whether a TXT record is an SPF policy (`v=spf1`, then a space or nothing).
pub fn is_spf(text: &str) -> bool {
    let text = text.trim_start();
    text.get(..6).is_some_and(|start| start.eq_ignore_ascii_case("v=spf1"))
        && text[6..].chars().next().is_none_or(char::is_whitespace)
}

/// Whether a TXT record is a DMARC policy (its first tag `v=DMARC1`).
pub fn is_dmarc(text: &str) -> bool {
    let first = text.split(';').next().unwrap_or_default();
    let mut parts = first.splitn(2, '=');
    parts.next().is_some_and(|tag| tag.trim() == "v") && parts.next().is_some_and(|value| value.trim() == "DMARC1")
}

/// The `p=` policy of a DMARC record; `None` when it has none or an
/// unknown one (receivers then treat the record as absent).
pub fn dmarc_policy(record: &str) -> Option<DmarcPolicy> {
    record.split(';').skip(1).find_map(|tag| {
        let (name, value) = tag.split_once('=')?;
        name.trim().eq_ignore_ascii_case("p").then(|| match value.trim().to_ascii_lowercase().as_str() {
            "none" => Some(DmarcPolicy::None),
            "quarantine" => Some(DmarcPolicy::Quarantine),
            "reject" => Some(DmarcPolicy::Reject),
            _ => None,
        })?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posture(spf: &[&str], dmarc: &[&str]) -> DomainPosture {
        DomainPosture {
            provenance: Provenance {
                source_id: "dns".into(),
                record_id: "x.example".into(),
                fetched_at: DateTime::UNIX_EPOCH,
            },
            vendor_id: "v".into(),
            domain: "x.example".into(),
            spf: spf.iter().map(|text| text.to_string()).collect(),
            dmarc: dmarc.iter().map(|text| text.to_string()).collect(),
            mail_servers: Vec::new(),
            expires_at: None,
            registrar: None,
        }
    }

    #[test]
    fn records_are_told_apart_by_their_version_tag() {
        assert!(is_spf("v=spf1 include:_spf.example -all"));
        assert!(is_spf("V=SPF1"));
        assert!(!is_spf("v=spf10 -all"));
        assert!(!is_spf("google-site-verification=abc"));
        assert!(is_dmarc("v=DMARC1; p=none; rua=mailto:d@x.example"));
        assert!(is_dmarc("v = DMARC1;p=reject"));
        assert!(!is_dmarc("p=reject; v=DMARC1"));
    }

    #[test]
    fn the_policy_is_the_p_tag_whatever_its_case_and_spacing() {
        assert_eq!(dmarc_policy("v=DMARC1; p=none; rua=mailto:d@x.example"), Some(DmarcPolicy::None));
        assert_eq!(dmarc_policy("v=DMARC1;p=Quarantine;pct=50"), Some(DmarcPolicy::Quarantine));
        assert_eq!(dmarc_policy("v=DMARC1; sp=reject; p = reject"), Some(DmarcPolicy::Reject));
        assert_eq!(dmarc_policy("v=DMARC1; sp=reject"), None);
        assert_eq!(dmarc_policy("v=DMARC1; p=block"), None);
        assert_eq!(dmarc_policy("v=DMARC1; P=reject"), Some(DmarcPolicy::Reject));
    }

    #[test]
    fn spoofing_names_the_worst_reason() {
        let strict = "v=DMARC1; p=reject";
        assert_eq!(posture(&["v=spf1 mx -all"], &[strict]).spoofing(), None);
        assert_eq!(posture(&["v=spf1 mx +all"], &[strict]).spoofing(), Some(Spoofing::SpfAllowsAll));
        assert_eq!(posture(&["v=spf1 mx all"], &[strict]).spoofing(), Some(Spoofing::SpfAllowsAll));
        assert_eq!(posture(&["v=spf1 mx ?all"], &[strict]).spoofing(), None);
        // Only the first `all` counts.
        assert_eq!(posture(&["v=spf1 -all +all"], &[strict]).spoofing(), None);
        assert_eq!(posture(&["v=spf1 -all"], &[]).spoofing(), Some(Spoofing::NoDmarc));
        assert_eq!(posture(&[], &[strict, strict]).spoofing(), Some(Spoofing::SeveralDmarc));
        assert_eq!(posture(&[], &["v=DMARC1; rua=mailto:d@x.example"]).spoofing(), Some(Spoofing::InvalidDmarc));
        assert_eq!(posture(&["v=spf1 -all"], &["v=DMARC1; p=none"]).spoofing(), Some(Spoofing::DmarcNone));
        assert!(Spoofing::NoDmarc.severe(false));
        assert!(!Spoofing::NoDmarc.severe(true));
        assert!(!Spoofing::DmarcNone.severe(false));
    }
}
