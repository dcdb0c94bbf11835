//! Disputes: the tickets on which the provider's own SLA verdict and
//! Sightline's reading of the same ticket times, on the contract's clock,
//! disagree. Each comes with the times, the target and a sentence, so that
//! the disagreement can be argued ticket by ticket.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sightline_domain::{Contract, Period, SlaClock, Ticket};

use crate::metrics::EngineInput;
use crate::sla::{Clocks, Judged, Leg, judge};

/// One ticket the provider and Sightline judge differently.
#[derive(Debug, Clone, PartialEq)]
pub struct Dispute {
    pub source_id: String,
    pub ticket: String,
    pub summary: String,
    pub priority: String,
    pub created_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub clock: SlaClock,
    /// The target that decides Sightline's verdict: the one missed, or
    /// (when every target was met) the resolution target.
    pub target: DisputedTarget,
    pub target_minutes: i64,
    /// Minutes on the contract's clock until it was done (or until the
    /// moment the list was made, if it is still not done), pause taken off.
    pub elapsed_minutes: f64,
    pub paused_minutes: i64,
    pub vendor_says_met: bool,
    pub sightline_says_met: bool,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisputedTarget {
    Response,
    Resolution,
}

impl DisputedTarget {
    pub fn as_str(self) -> &'static str {
        match self {
            DisputedTarget::Response => "response",
            DisputedTarget::Resolution => "resolution",
        }
    }
}

/// Minutes as people say them: "45 min", "2 h 10 min", "3 days 4 h".
pub fn duration_words(minutes: f64) -> String {
    let minutes = minutes.round().max(0.0) as i64;
    let (days, hours, rest) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    duration_parts(days, hours, rest)
}

/// Minutes on `clock`: business time in hours ("45 h", a business day is
/// not 24 hours long), round-the-clock time as [`duration_words`].
fn clock_duration(minutes: f64, clock: SlaClock) -> String {
    match clock {
        SlaClock::RoundTheClock => duration_words(minutes),
        SlaClock::Business => {
            let minutes = minutes.round().max(0.0) as i64;
            duration_parts(0, minutes / 60, minutes % 60)
        }
    }
}

fn duration_parts(days: i64, hours: i64, rest: i64) -> String {
    match (days, hours, rest) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} {}", if d == 1 { "day" } else { "days" }),
        (d, h, _) => format!("{d} {} {h} h", if d == 1 { "day" } else { "days" }),
    }
}

fn clock_words(clock: SlaClock) -> &'static str {
    match clock {
        SlaClock::Business => "in business hours",
        SlaClock::RoundTheClock => "round the clock",
    }
}

/// The ticket's dispute at `cutoff`, if the provider and Sightline differ.
pub fn dispute_of(
    ticket: &Ticket,
    judged: &Judged,
    contract: Option<&Contract>,
    clocks: &Clocks,
    vendor_name: &str,
    cutoff: DateTime<Utc>,
) -> Option<Dispute> {
    let vendor_says_met = ticket.vendor_reported_in_sla?;
    let sightline_says_met = judged.verdict_at(cutoff).ok()??;
    if vendor_says_met == sightline_says_met {
        return None;
    }
    let legs = [
        (DisputedTarget::Response, judged.response.ok().flatten(), judged.response_minutes),
        (DisputedTarget::Resolution, judged.resolution.ok().flatten(), judged.resolution_minutes),
    ];
    let deciding = |(_, leg, _): &(DisputedTarget, Option<Leg>, Option<f64>)| {
        leg.is_some_and(|leg| leg.met_at(cutoff) == Some(sightline_says_met))
    };
    // Missed: the first target missed. Met: the resolution target if the
    // contract sets one, else the response target.
    let (target, leg, minutes) = if sightline_says_met {
        legs.iter().rev().find(|leg| deciding(leg)).copied()?
    } else {
        legs.iter().find(|leg| deciding(leg)).copied()?
    };
    let leg = leg?;
    // Still not done: how long it had run by the cutoff.
    let elapsed = minutes.unwrap_or_else(|| {
        (clocks.elapsed_minutes(contract, judged.clock, ticket.created_at, cutoff) - leg.paused_minutes as f64).max(0.0)
    });
    let priority = ticket.priority.clone().unwrap_or_default();
    let paused = if leg.paused_minutes > 0 {
        format!(" (not counting {} on hold)", clock_duration(leg.paused_minutes as f64, judged.clock))
    } else {
        String::new()
    };
    let what = match target {
        DisputedTarget::Response => "answered",
        DisputedTarget::Resolution => "fixed",
    };
    let clock = clock_words(judged.clock);
    let reason = match (sightline_says_met, leg.done_at.is_some()) {
        (false, true) => format!(
            "{vendor_name} marks it within SLA, but it was {what} after {} {clock}{paused}; the {priority} target is {}.",
            clock_duration(elapsed, judged.clock),
            clock_duration(leg.target_minutes as f64, judged.clock)
        ),
        (false, false) => format!(
            "{vendor_name} marks it within SLA, but it was still not {what} when the {priority} target of {} {clock} \
             ran out.",
            clock_duration(leg.target_minutes as f64, judged.clock)
        ),
        (true, _) => format!(
            "{vendor_name} marks it as missing its SLA, but it was {what} after {} {clock}{paused}, within the {priority} \
             target of {}.",
            clock_duration(elapsed, judged.clock),
            clock_duration(leg.target_minutes as f64, judged.clock)
        ),
    };
    Some(Dispute {
        source_id: ticket.provenance.source_id.clone(),
        ticket: ticket.provenance.record_id.clone(),
        summary: ticket.summary.clone(),
        priority,
        created_at: ticket.created_at,
        first_response_at: ticket.first_response_at,
        resolved_at: ticket.resolved_at,
        clock: judged.clock,
        target,
        target_minutes: leg.target_minutes,
        elapsed_minutes: (elapsed * 10.0).round() / 10.0,
        paused_minutes: leg.paused_minutes,
        vendor_says_met,
        sightline_says_met,
        reason,
    })
}

/// Every dispute of `vendor_id` among the tickets created in `period` (on
/// the company's calendar), judged as at the period's end or `now` if
/// sooner, oldest ticket first.
pub fn disputes(input: EngineInput<'_>, vendor_id: &str, period: Period, now: DateTime<Utc>) -> Vec<Dispute> {
    let tz = input.settings.tz();
    let (start, end) = (period.start_in(tz), period.end_in(tz));
    let cutoff = end.min(now);
    let clocks = Clocks::new(input.contracts, input.records, tz, now);
    let contracts: HashMap<&str, &Contract> =
        input.contracts.iter().map(|contract| (contract.vendor_id.as_str(), contract)).collect();
    let vendor_name =
        input.vendors.iter().find(|vendor| vendor.id == vendor_id).map_or(vendor_id, |vendor| vendor.name.as_str());
    let contract = contracts.get(vendor_id).copied();
    let mut found: Vec<Dispute> = input
        .records
        .tickets
        .iter()
        .filter(|ticket| ticket.vendor_id == vendor_id && ticket.created_at >= start && ticket.created_at < end)
        .filter(|ticket| ticket.vendor_reported_in_sla.is_some())
        .filter_map(|ticket| {
            dispute_of(ticket, &judge(ticket, contract, &clocks), contract, &clocks, vendor_name, cutoff)
        })
        .collect();
    found.sort_by(|a, b| (a.created_at, &a.ticket).cmp(&(b.created_at, &b.ticket)));
    found
}
