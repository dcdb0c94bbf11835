//! Coverage: the same computer as the provider's management tool, the
//! endpoint protection and the vulnerability scanner each see it, matched
//! by name, so that the computers one tool misses can be named.
//!
//! Names are matched without case and without their domain
//! (`HF-WS-07.corp.example` is `hf-ws-07`); an address (`172.26.48.55`) is
//! matched whole. Two tools that name one computer differently (a rename
//! one of them has not caught up with) are two computers here: the records
//! carry no serial number to join them by.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use sightline_domain::{Device, Inventory};

/// The name a computer is matched by.
pub fn machine_key(name: &str) -> String {
    let name = name.trim().trim_end_matches('.').to_lowercase();
    let address = name.contains(':') || name.chars().all(|c| c.is_ascii_digit() || c == '.');
    if address {
        return name;
    }
    name.split('.').next().unwrap_or_default().to_string()
}

/// One computer as every tool sees it.
#[derive(Debug)]
pub struct Machine<'a> {
    /// Its records, one per tool (or more, when a tool lists it twice).
    pub records: Vec<&'a Device>,
    pub seen_by: BTreeSet<Inventory>,
}

impl Machine<'_> {
    /// Whether a tool says its protection is failing, each tool judged by
    /// its most recently seen entry for the computer (a reinstalled computer
    /// leaves an old, inactive entry behind).
    pub fn protection_failing(&self) -> bool {
        self.seen_by.iter().any(|tool| {
            let latest =
                self.records.iter().filter(|device| device.seen_by == *tool).max_by_key(|device| device.last_seen);
            latest.is_some_and(|device| device.protection_ok == Some(false))
        })
    }

    /// When any tool last heard from it, where one says.
    pub fn last_seen(&self) -> Option<DateTime<Utc>> {
        self.records.iter().filter_map(|device| device.last_seen).max()
    }

    /// The name to show: the management tool's, else the first.
    pub fn name(&self) -> &str {
        self.records
            .iter()
            .find(|device| device.seen_by == Inventory::Management)
            .or(self.records.first())
            .map_or("", |device| device.name.as_str())
    }
}

/// The computers the tools knew at `cutoff`, by matching name, and which
/// kinds of tool reported any computer then.
pub fn machines<'a>(
    devices: impl IntoIterator<Item = &'a Device>,
    cutoff: DateTime<Utc>,
) -> (BTreeMap<String, Machine<'a>>, BTreeSet<Inventory>) {
    let mut machines: BTreeMap<String, Machine<'a>> = BTreeMap::new();
    let mut tools = BTreeSet::new();
    for device in devices {
        if device.enrolled_at > cutoff {
            continue;
        }
        tools.insert(device.seen_by);
        let machine = machines
            .entry(machine_key(&device.name))
            .or_insert_with(|| Machine { records: Vec::new(), seen_by: BTreeSet::new() });
        machine.records.push(device);
        machine.seen_by.insert(device.seen_by);
    }
    (machines, tools)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use sightline_domain::{DeviceRole, Provenance};

    fn device(source: &str, name: &str, seen_by: Inventory) -> Device {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        Device {
            provenance: Provenance { source_id: source.into(), record_id: name.into(), fetched_at: at },
            vendor_id: "v".into(),
            name: name.into(),
            role: DeviceRole::Workstation,
            managed: seen_by == Inventory::Management,
            enrolled_at: at,
            protection_ok: None,
            last_seen: None,
            seen_by,
        }
    }

    #[test]
    fn names_match_without_case_or_domain() {
        for (a, b, same) in [
            ("HF-WS-07", "hf-ws-07.corp.example", true),
            ("hf-ws-07.corp.example.", "HF-WS-07.other.example", true),
            (" Reception-PC ", "reception-pc", true),
            ("172.26.48.55", "172.26.48.55", true),
            ("172.26.48.55", "172.26.48.56", false),
            ("hf-ws-07", "hf-ws-70", false),
            // A renamed computer: nothing in the records joins the names.
            ("hf-ws-07", "finance-laptop-2", false),
        ] {
            assert_eq!(machine_key(a) == machine_key(b), same, "{a} / {b}");
        }
    }

    #[test]
    fn each_computer_knows_which_tools_see_it() {
        let devices = [
            device("rmm", "HF-WS-01", Inventory::Management),
            device("edr", "hf-ws-01.corp.example", Inventory::Protection),
            device("rmm", "HF-WS-02", Inventory::Management),
            device("scan", "hf-ws-03.corp.example", Inventory::Scanner),
        ];
        let cutoff = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
        let (machines, tools) = machines(&devices, cutoff);
        assert_eq!(tools.len(), 3);
        let seen: Vec<(&str, &str, usize)> =
            machines.iter().map(|(key, m)| (key.as_str(), m.name(), m.seen_by.len())).collect();
        assert_eq!(
            seen,
            [("hf-ws-01", "HF-WS-01", 2), ("hf-ws-02", "HF-WS-02", 1), ("hf-ws-03", "hf-ws-03.corp.example", 1)]
        );
    }
}
