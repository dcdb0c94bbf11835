//! Mapping a source's priority names onto the contract's P1..P4.

use std::collections::BTreeMap;

pub(crate) fn is_contract_priority(text: &str) -> bool {
    matches!(text, "P1" | "P2" | "P3" | "P4")
}

/// The contract priority for a source's priority name: the configured
/// `priority_map` first; otherwise a name that already says it ("P2",
/// "Priority 1 - Emergency Response", "1 - Critical", "2"); otherwise
/// `None`, and the ticket counts for volumes but not for SLA compliance.
pub fn map_priority(map: &BTreeMap<String, String>, name: &str) -> Option<String> {
    if let Some(mapped) = map.get(name) {
        return Some(mapped.clone());
    }
    let trimmed = name.trim();
    let lower = trimmed.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("priority")
        .or_else(|| lower.strip_prefix('p'))
        .unwrap_or(&lower)
        .trim_start_matches([' ', ':', '-']);
    let digit = rest.chars().next().filter(|c| ('1'..='4').contains(c))?;
    let next = rest.chars().nth(1);
    if next.is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some(format!("P{digit}"))
}

/// The priority names of a read that mapped to no contract priority, and
/// how many tickets had each, so that a sync says which to add to
/// `priority_map` rather than silently leaving those tickets out of SLA
/// compliance.
#[derive(Debug, Default)]
pub(crate) struct Unmapped(BTreeMap<String, usize>);

impl Unmapped {
    /// Notes a ticket whose priority `name` mapped to `mapped`.
    pub fn note(&mut self, name: Option<&str>, mapped: Option<&String>) {
        if mapped.is_some() {
            return;
        }
        if let Some(name) = name.map(str::trim).filter(|name| !name.is_empty()) {
            *self.0.entry(name.to_string()).or_default() += 1;
        }
    }

    /// One warning per unmapped name, naming the fix.
    pub fn warnings(self, system: &str, source_id: &str) -> impl Iterator<Item = String> {
        self.0.into_iter().map(move |(name, count)| {
            format!(
                "{count} {system} {} the priority '{name}', which matches no contract priority: {} for volumes \
                 but not for SLA compliance; add '{name}' to priority_map for {source_id}",
                if count == 1 { "ticket has" } else { "tickets have" },
                if count == 1 { "it counts" } else { "they count" },
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_contract_priorities() {
        let mut map = BTreeMap::new();
        map.insert("Urgent".to_string(), "P1".to_string());
        let check = |name: &str, expected: Option<&str>| {
            assert_eq!(map_priority(&map, name).as_deref(), expected, "{name}");
        };
        check("Urgent", Some("P1"));
        check("Priority 1 - Emergency Response", Some("P1"));
        check("Priority 3 - Normal Response", Some("P3"));
        check("P2", Some("P2"));
        check("p4", Some("P4"));
        check("2", Some("P2"));
        check("1 - Critical", Some("P1"));
        check("High", None);
        check("Priority 5 - Project", None);
        check("P10", None);
    }

    #[test]
    fn unmapped_names_become_one_warning_each() {
        let mut unmapped = Unmapped::default();
        let p2 = "P2".to_string();
        unmapped.note(Some("High"), None);
        unmapped.note(Some(" High "), None);
        unmapped.note(Some("Project"), None);
        unmapped.note(Some("P2"), Some(&p2));
        unmapped.note(None, None);
        assert_eq!(
            unmapped.warnings("ConnectWise", "acme-psa").collect::<Vec<_>>(),
            [
                "2 ConnectWise tickets have the priority 'High', which matches no contract priority: they count for \
                 volumes but not for SLA compliance; add 'High' to priority_map for acme-psa",
                "1 ConnectWise ticket has the priority 'Project', which matches no contract priority: it counts for \
                 volumes but not for SLA compliance; add 'Project' to priority_map for acme-psa",
            ]
        );
    }
}
