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
}
