//! How one ticket stands against its contract: the one place that decides
//! the target, the clock, the pause, and whether the ticket's data can be
//! judged at all. Compliance, response and resolution times, the
//! "reported SLA mismatch" rule and the disputes list all read it, so they
//! can never disagree.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sightline_domain::{BusinessClock, Clock, Contract, RecordBatch, SlaClock, Ticket, Tz};

/// Days of business calendar laid out past the latest record and `now`, so
/// that a target set late in the data still finds its deadline.
const CALENDAR_MARGIN_DAYS: i64 = 400;

/// Every contract's business clock, laid out once over the records' dates.
#[derive(Debug, Default)]
pub struct Clocks {
    business: HashMap<String, BusinessClock>,
}

impl Clocks {
    /// The business clocks of the contracts that have hours, covering
    /// every ticket in `records` and `now`.
    pub fn new(contracts: &[Contract], records: &RecordBatch, tz: Tz, now: DateTime<Utc>) -> Clocks {
        let with_hours: Vec<&Contract> = contracts.iter().filter(|contract| contract.terms.hours.is_some()).collect();
        if with_hours.is_empty() {
            return Clocks::default();
        }
        let mut first = now;
        let mut last = now;
        for ticket in &records.tickets {
            first = first.min(ticket.created_at);
            for at in [Some(ticket.created_at), ticket.first_response_at, ticket.resolved_at].into_iter().flatten() {
                last = last.max(at);
            }
        }
        let local = |at: DateTime<Utc>| at.with_timezone(&tz).date_naive();
        let first: NaiveDate = local(first) - Duration::days(1);
        let last: NaiveDate = local(last) + Duration::days(CALENDAR_MARGIN_DAYS);
        let business = with_hours
            .into_iter()
            .filter_map(|contract| {
                let hours = contract.terms.hours.as_ref()?;
                Some((contract.vendor_id.clone(), BusinessClock::new(hours, &contract.terms.holidays, tz, first, last)))
            })
            .collect();
        Clocks { business }
    }

    /// Minutes between two moments on `contract`'s clock of `kind`.
    pub fn elapsed_minutes(
        &self,
        contract: Option<&Contract>,
        kind: SlaClock,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> f64 {
        let clock = contract.map_or(Clock::RoundTheClock, |contract| self.clock(contract, kind));
        clock.elapsed_seconds(from, to) as f64 / 60.0
    }

    fn clock(&self, contract: &Contract, kind: SlaClock) -> Clock<'_> {
        match (kind, self.business.get(&contract.vendor_id)) {
            (SlaClock::Business, Some(clock)) => Clock::Business(clock),
            _ => Clock::RoundTheClock,
        }
    }
}

/// Why a ticket leaves a service-level measure, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unjudged {
    Excluded,
    NoPriority,
    AnsweredBeforeOpened,
    ResolvedBeforeOpened,
    DeadlineBeyondCalendar,
}

impl Unjudged {
    pub fn words(self) -> &'static str {
        match self {
            Unjudged::Excluded => "the provider's tool marks it as outside the SLA",
            Unjudged::NoPriority => "it has no priority the contract knows, so its SLA cannot be judged",
            Unjudged::AnsweredBeforeOpened => "its first response is dated before it was opened",
            Unjudged::ResolvedBeforeOpened => "it is dated resolved before it was opened",
            Unjudged::DeadlineBeyondCalendar => "its contract's business hours leave no time to meet the target",
        }
    }
}

/// One target (response or resolution) for one ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leg {
    pub target_minutes: i64,
    /// When the target runs out on the contract's clock, paused time added.
    pub due: DateTime<Utc>,
    /// When it was done, if it was.
    pub done_at: Option<DateTime<Utc>>,
    /// Minutes on the contract's clock from opening until done (or until
    /// the moment asked about), paused time taken off.
    pub paused_minutes: i64,
}

impl Leg {
    /// Met, missed, or not yet known at `cutoff`.
    pub fn met_at(&self, cutoff: DateTime<Utc>) -> Option<bool> {
        match self.done_at {
            Some(done) => Some(done <= self.due),
            None if self.due <= cutoff => Some(false),
            None => None,
        }
    }
}

/// A ticket against its contract.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Judged {
    pub clock: SlaClock,
    /// The first response, or the resolution when no response was
    /// recorded (a ticket fixed at once was answered by the fix).
    pub responded_at: Option<DateTime<Utc>>,
    /// Minutes on the contract's clock to the first response and to the
    /// resolution (pause taken off); `None` where not done or not valid.
    pub response_minutes: Option<f64>,
    pub resolution_minutes: Option<f64>,
    pub response: Result<Option<Leg>, Unjudged>,
    pub resolution: Result<Option<Leg>, Unjudged>,
}

impl Judged {
    /// Sightline's overall verdict at `cutoff`: met when every target the
    /// contract sets was met, missed when one was missed, `None` while a
    /// target is still running or the ticket cannot be judged.
    pub fn verdict_at(&self, cutoff: DateTime<Utc>) -> Result<Option<bool>, Unjudged> {
        let response = self.response?.map(|leg| leg.met_at(cutoff));
        let resolution = self.resolution?.map(|leg| leg.met_at(cutoff));
        if response == Some(Some(false)) || resolution == Some(Some(false)) {
            return Ok(Some(false));
        }
        if response.is_none() && resolution.is_none() {
            return Ok(None);
        }
        Ok((response.is_none_or(|met| met.is_some()) && resolution.is_none_or(|met| met.is_some())).then_some(true))
    }
}

/// Judges `ticket` against `contract` (if the vendor has one).
pub fn judge(ticket: &Ticket, contract: Option<&Contract>, clocks: &Clocks) -> Judged {
    let target = contract.zip(ticket.priority.as_deref()).and_then(|(c, p)| c.target_for(p, ticket.created_at));
    let kind = contract.map_or(SlaClock::RoundTheClock, |contract| contract.clock_of(target));
    let clock = contract.map_or(Clock::RoundTheClock, |contract| clocks.clock(contract, kind));
    let responded_at = ticket.first_response_at.or(ticket.resolved_at);
    let paused = ticket.paused_minutes.unwrap_or(0).max(0);
    let answered_early = responded_at.is_some_and(|at| at < ticket.created_at);
    let resolved_early = ticket.resolved_at.is_some_and(|at| at < ticket.created_at);
    let minutes = |done: Option<DateTime<Utc>>, paused: i64, early: bool| {
        let done = done.filter(|_| !early)?;
        Some((clock.elapsed_seconds(ticket.created_at, done) as f64 / 60.0 - paused as f64).max(0.0))
    };
    let leg = |target_minutes: Option<i64>,
               done_at: Option<DateTime<Utc>>,
               paused: i64,
               early: Option<Unjudged>|
     -> Result<Option<Leg>, Unjudged> {
        if ticket.excluded_from_sla {
            return Err(Unjudged::Excluded);
        }
        if ticket.priority.is_none() {
            return Err(Unjudged::NoPriority);
        }
        if let Some(problem) = early {
            return Err(problem);
        }
        let Some(target_minutes) = target_minutes else { return Ok(None) };
        let due = clock.deadline(ticket.created_at, (target_minutes + paused) * 60);
        let due = due.ok_or(Unjudged::DeadlineBeyondCalendar)?;
        Ok(Some(Leg { target_minutes, due, done_at, paused_minutes: paused }))
    };
    // A pause recorded on the ticket stops the resolution clock; the PSAs
    // that record one put it after the first response (waiting on the
    // customer), so the response clock runs on.
    let response = leg(
        target.and_then(|target| target.respond_minutes),
        responded_at,
        0,
        answered_early.then_some(Unjudged::AnsweredBeforeOpened),
    );
    let resolution = leg(
        target.and_then(|target| target.resolve_minutes),
        ticket.resolved_at,
        paused,
        resolved_early.then_some(Unjudged::ResolvedBeforeOpened),
    );
    Judged {
        clock: if matches!(clock, Clock::Business(_)) { SlaClock::Business } else { SlaClock::RoundTheClock },
        responded_at,
        response_minutes: minutes(responded_at, 0, answered_early),
        resolution_minutes: minutes(ticket.resolved_at, paused, resolved_early),
        response,
        resolution,
    }
}
