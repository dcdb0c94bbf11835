//! Coverage: the same computer as the provider's management tool, the
//! endpoint protection and the vulnerability scanner each see it, matched
//! by name, so that the computers one tool misses can be named.
//!
//! Names are matched without case and without their domain
//! (`HF-WS-07.corp.example` is `hf-ws-07`); an address (`172.26.48.55`) is
//! matched whole. Two tools that name one computer differently (a rename
//! one of them has not caught up with) are two computers here: the records
//! carry no serial number to join them by.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sightline_domain::{Device, DeviceRole, Inventory};

/// The name a computer is matched by.
pub fn machine_key(name: &str) -> String {
    let name = name.trim().trim_end_matches('.').to_lowercase();
    let address = name.contains(':') || name.chars().all(|c| c.is_ascii_digit() || c == '.');
    if address {
        return name;
    }
    name.split('.').next().unwrap_or_default().to_string()
}

/// Which kinds of tool see a computer (or report any computer at all).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tools(u8);

impl Tools {
    fn bit(tool: Inventory) -> u8 {
        match tool {
            Inventory::Management => 1,
            Inventory::Protection => 2,
            Inventory::Scanner => 4,
        }
    }

    pub fn with(self, tool: Inventory) -> Tools {
        Tools(self.0 | Tools::bit(tool))
    }

    pub fn contains(self, tool: Inventory) -> bool {
        self.0 & Tools::bit(tool) != 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Inventory> {
        Inventory::ALL.into_iter().filter(move |tool| self.contains(*tool))
    }
}

/// Each computer's records, grouped by [`machine_key`]: done once per set
/// of devices, so that each period only filters (no names are built again).
/// Network equipment, printers and phones (the network role) are not
/// computers an agent or endpoint protection could run on: left out.
pub fn group<'a>(devices: impl IntoIterator<Item = &'a Device>) -> Vec<Vec<&'a Device>> {
    let mut groups: BTreeMap<String, Vec<&'a Device>> = BTreeMap::new();
    for device in devices.into_iter().filter(|device| device.role != DeviceRole::Network) {
        groups.entry(machine_key(&device.name)).or_default().push(device);
    }
    groups.into_values().collect()
}

/// One computer as every tool saw it by a moment.
#[derive(Debug, Clone, Copy)]
pub struct Machine<'a> {
    group: &'a [&'a Device],
    cutoff: DateTime<Utc>,
    pub seen_by: Tools,
}

impl<'a> Machine<'a> {
    /// Its records known by the moment, one per tool (or more, when a tool
    /// lists it twice).
    pub fn records(&self) -> impl Iterator<Item = &'a Device> + Clone + use<'a> {
        let cutoff = self.cutoff;
        self.group.iter().copied().filter(move |device| device.enrolled_at <= cutoff)
    }

    /// The record it is listed by.
    pub fn first(&self) -> &'a Device {
        self.records().next().expect("a machine has a record by its moment")
    }

    /// Whether a tool says its protection is failing, each tool judged by
    /// its most recently seen entry for the computer (a reinstalled computer
    /// leaves an old, inactive entry behind).
    pub fn protection_failing(&self) -> bool {
        self.seen_by.iter().any(|tool| {
            let latest = self.records().filter(|device| device.seen_by == tool).max_by_key(|device| device.last_seen);
            latest.is_some_and(|device| device.protection_ok == Some(false))
        })
    }

    /// When any tool last heard from it, where one says.
    pub fn last_seen(&self) -> Option<DateTime<Utc>> {
        self.records().filter_map(|device| device.last_seen).max()
    }

    /// The name to show: the management tool's, else the first.
    pub fn name(&self) -> &'a str {
        self.records()
            .find(|device| device.seen_by == Inventory::Management)
            .unwrap_or_else(|| self.first())
            .name
            .as_str()
    }
}

/// The computers the tools knew at `cutoff`, from [`group`]'s groups, and
/// which kinds of tool reported any computer then.
pub fn machines<'a>(groups: &'a [Vec<&'a Device>], cutoff: DateTime<Utc>) -> (Vec<Machine<'a>>, Tools) {
    let mut machines = Vec::new();
    let mut tools = Tools::default();
    for group in groups {
        let mut seen_by = Tools::default();
        for device in group.iter().filter(|device| device.enrolled_at <= cutoff) {
            seen_by = seen_by.with(device.seen_by);
        }
        if !seen_by.is_empty() {
            tools = Tools(tools.0 | seen_by.0);
            machines.push(Machine { group, cutoff, seen_by });
        }
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
        let groups = group(&devices);
        let (machines, tools) = machines(&groups, cutoff);
        assert_eq!(tools.len(), 3);
        let seen: Vec<(&str, usize)> = machines.iter().map(|m| (m.name(), m.seen_by.len())).collect();
        assert_eq!(seen, [("HF-WS-01", 2), ("HF-WS-02", 1), ("hf-ws-03.corp.example", 1)]);
        let before = Utc.with_ymd_and_hms(2025, 2, 1, 0, 0, 0).unwrap();
        assert!(super::machines(&groups, before).0.is_empty(), "none known yet");
        let printer = Device { role: DeviceRole::Network, ..device("scan", "printer-3", Inventory::Scanner) };
        assert!(group([&printer]).is_empty(), "a printer is no computer to protect");
    }
}
