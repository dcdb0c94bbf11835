//! Contract clocks: business hours, holidays, pauses and clock changes,
//! each case with its expected minutes written out, through one `check`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use proptest::prelude::*;
use sightline_domain::{
    BusinessHours, Contract, ContractTerms, Provenance, RecordBatch, SlaClock, SlaTarget, Ticket, Tz,
};
use sightline_engine::{BusinessClock, Clocks, Unjudged, judge};

fn local(tz: Tz, text: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    tz.from_local_datetime(&naive).earliest().unwrap().with_timezone(&Utc)
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn clock(hours: &str, holidays: &[&str], tz: Tz) -> BusinessClock {
    let hours = BusinessHours::parse(hours).unwrap();
    let holidays: Vec<NaiveDate> = holidays.iter().map(|text| day(text)).collect();
    BusinessClock::new(&hours, &holidays, tz, day("2026-01-01"), day("2027-12-31"))
}

/// Business minutes from `from` to `to` (local times in `tz`).
fn check(case: &str, hours: &str, holidays: &[&str], tz: Tz, from: &str, to: &str, expected: i64) {
    let clock = clock(hours, holidays, tz);
    let got = clock.elapsed_seconds(local(tz, from), local(tz, to)) / 60;
    assert_eq!(got, expected, "{case}");
}

/// Name, hours, holidays, zone, from, to, expected business minutes.
type Case<'a> = (&'a str, &'a str, &'a [&'a str], Tz, &'a str, &'a str, i64);

#[test]
fn business_minutes_by_case() {
    let london: Tz = "Europe/London".parse().unwrap();
    let new_york: Tz = "America/New_York".parse().unwrap();
    let office = "Mon-Fri 08:00-18:00";
    #[rustfmt::skip]
    let cases: &[Case] = &[
        ("Friday evening, answered Monday morning", office, &[], london, "2026-11-06 17:30", "2026-11-09 08:45", 75),
        ("inside one working day", office, &[], london, "2026-11-10 09:00", "2026-11-10 11:30", 150),
        ("opened on Saturday, answered Monday", office, &[], london, "2026-11-07 10:00", "2026-11-09 08:30", 30),
        ("opened before hours", office, &[], london, "2026-11-10 06:00", "2026-11-10 08:20", 20),
        ("over Christmas: two holidays stand still", office, &["2026-12-25", "2026-12-28"], london,
            "2026-12-24 17:00", "2026-12-29 09:00", 120),
        ("the same days without holidays", office, &[], london, "2026-12-24 17:00", "2026-12-29 09:00", 1320),
        ("night hours across midnight", "Mon-Fri 22:00-06:00", &[], london, "2026-11-10 23:00", "2026-11-11 07:00", 420),
        ("London spring forward: a seven-hour night", "Mon-Sun 22:00-06:00", &[], london,
            "2026-03-28 22:00", "2026-03-29 06:00", 420),
        ("London autumn back: a nine-hour night", "Mon-Sun 22:00-06:00", &[], london,
            "2026-10-24 22:00", "2026-10-25 06:00", 540),
        ("New York spring forward: an eleven-hour morning", "Sun 00:00-12:00", &[], new_york,
            "2026-03-08 00:00", "2026-03-08 12:00", 660),
        ("New York autumn back: a thirteen-hour morning", "Sun 00:00-12:00", &[], new_york,
            "2026-11-01 00:00", "2026-11-01 12:00", 780),
        ("round the clock written as hours", "Mon-Sun 00:00-24:00", &[], london,
            "2026-11-06 17:30", "2026-11-09 08:45", 3795),
        ("done before it was opened counts nothing", office, &[], london, "2026-11-10 11:00", "2026-11-10 09:00", 0),
    ];
    for (case, hours, holidays, tz, from, to, expected) in cases {
        check(case, hours, holidays, *tz, from, to, *expected);
    }
}

#[test]
fn a_target_used_up_at_closing_time_runs_until_opening() {
    let london: Tz = "Europe/London".parse().unwrap();
    let clock = clock("Mon-Fri 08:00-18:00", &[], london);
    // 60 business minutes from Friday 17:00 end at 18:00; a response before
    // Monday's opening has used no more than that.
    assert_eq!(clock.deadline(local(london, "2026-11-06 17:00"), 3600), Some(local(london, "2026-11-09 08:00")));
    assert_eq!(clock.deadline(local(london, "2026-11-06 17:00"), 5400), Some(local(london, "2026-11-09 08:30")));
}

fn contract(hours: Option<&str>) -> Contract {
    let target = |priority: &str, respond, resolve, clock| SlaTarget {
        priority: priority.into(),
        respond_minutes: Some(respond),
        resolve_minutes: Some(resolve),
        effective_from: None,
        clock,
    };
    Contract {
        vendor_id: "northwind".into(),
        sla: vec![target("P1", 30, 240, Some(SlaClock::RoundTheClock)), target("P3", 60, 480, None)],
        compliance_target_pct: 95.0,
        terms: ContractTerms {
            hours: hours.map(|hours| BusinessHours::parse(hours).unwrap()),
            holidays: vec![day("2026-12-25")],
            credits: None,
            uptime_target_pct: None,
        },
    }
}

fn ticket(
    priority: &str,
    created: DateTime<Utc>,
    answered: Option<DateTime<Utc>>,
    fixed: Option<DateTime<Utc>>,
) -> Ticket {
    Ticket {
        provenance: Provenance { source_id: "psa".into(), record_id: "4711".into(), fetched_at: created },
        vendor_id: "northwind".into(),
        summary: "Printer offline".into(),
        priority: Some(priority.into()),
        created_at: created,
        first_response_at: answered,
        resolved_at: fixed,
        assignee: None,
        resolved_by: None,
        status: "Closed".into(),
        reopened: None,
        vendor_reported_in_sla: None,
        paused_minutes: None,
        excluded_from_sla: false,
    }
}

fn clocks_for(contract: &Contract, tickets: &[Ticket]) -> Clocks {
    let records = RecordBatch { tickets: tickets.to_vec(), ..RecordBatch::default() };
    Clocks::new(std::slice::from_ref(contract), &records, Tz::UTC, "2026-12-05T12:00:00Z".parse().unwrap())
}

#[test]
fn a_round_the_clock_p1_beside_a_business_hours_p3() {
    let tz = Tz::UTC;
    let contract = contract(Some("Mon-Fri 08:00-18:00"));
    let created = local(tz, "2026-11-06 17:30");
    let p1 = ticket("P1", created, Some(local(tz, "2026-11-06 18:30")), None);
    let p3 = ticket("P3", created, Some(local(tz, "2026-11-09 08:45")), None);
    let clocks = clocks_for(&contract, &[p1.clone(), p3.clone()]);
    let (p1, p3) = (judge(&p1, Some(&contract), &clocks), judge(&p3, Some(&contract), &clocks));
    assert_eq!((p1.clock, p1.response_minutes), (SlaClock::RoundTheClock, Some(60.0)));
    assert_eq!(p1.response.unwrap().unwrap().met_at(created), Some(false));
    assert_eq!((p3.clock, p3.response_minutes), (SlaClock::Business, Some(75.0)));
    assert_eq!(p3.response.unwrap().unwrap().due, local(tz, "2026-11-09 08:30"));
    assert_eq!(p3.response.unwrap().unwrap().met_at(created), Some(false));
}

#[test]
fn answered_next_morning_inside_hours_is_on_time() {
    let tz = Tz::UTC;
    let contract = contract(Some("Mon-Fri 08:00-17:00"));
    let created = local(tz, "2026-11-10 16:45");
    let answered = ticket("P3", created, Some(local(tz, "2026-11-11 08:40")), None);
    let clocks = clocks_for(&contract, std::slice::from_ref(&answered));
    let judged = judge(&answered, Some(&contract), &clocks);
    assert_eq!(judged.response_minutes, Some(55.0));
    assert_eq!(judged.response.unwrap().unwrap().met_at(created), Some(true));
    // The same ticket on a contract with no hours: 15 h 55 min, late.
    let round = contract_without_hours();
    let judged = judge(&answered, Some(&round), &clocks_for(&round, std::slice::from_ref(&answered)));
    assert_eq!(judged.response_minutes, Some(955.0));
    assert_eq!(judged.response.unwrap().unwrap().met_at(created), Some(false));
}

fn contract_without_hours() -> Contract {
    let mut contract = contract(None);
    contract.terms.holidays.clear();
    contract
}

#[test]
fn a_pause_stops_the_resolution_clock() {
    let tz = Tz::UTC;
    let contract = contract(Some("Mon-Fri 08:00-18:00"));
    let created = local(tz, "2026-11-09 09:00");
    let fixed = local(tz, "2026-11-10 10:00");
    // 540 + 120 = 660 business minutes against a 480-minute target.
    let mut paused = ticket("P3", created, Some(local(tz, "2026-11-09 09:20")), Some(fixed));
    let clocks = clocks_for(&contract, std::slice::from_ref(&paused));
    let judged = judge(&paused, Some(&contract), &clocks);
    assert_eq!(judged.resolution_minutes, Some(660.0));
    assert_eq!(judged.resolution.unwrap().unwrap().met_at(fixed), Some(false));
    paused.paused_minutes = Some(180);
    let judged = judge(&paused, Some(&contract), &clocks);
    assert_eq!(judged.resolution_minutes, Some(480.0));
    assert_eq!(judged.resolution.unwrap().unwrap().met_at(fixed), Some(true));
    // The response clock is not paused.
    assert_eq!(judged.response_minutes, Some(20.0));
}

#[test]
fn data_that_cannot_be_right_is_never_met() {
    let tz = Tz::UTC;
    let contract = contract(Some("Mon-Fri 08:00-18:00"));
    let created = local(tz, "2026-11-10 10:00");
    let early = ticket("P3", created, Some(local(tz, "2026-11-10 09:00")), None);
    let fixed_at_once = ticket("P3", created, None, Some(local(tz, "2026-11-10 10:02")));
    let mut excluded = ticket("P3", created, Some(local(tz, "2026-11-12 10:00")), None);
    excluded.excluded_from_sla = true;
    let clocks = clocks_for(&contract, &[early.clone(), fixed_at_once.clone(), excluded.clone()]);

    let judged = judge(&early, Some(&contract), &clocks);
    assert_eq!(judged.response, Err(Unjudged::AnsweredBeforeOpened));
    assert_eq!(judged.verdict_at(created), Err(Unjudged::AnsweredBeforeOpened));
    assert_eq!(Unjudged::AnsweredBeforeOpened.words(), "its first response is dated before it was opened");

    // No response recorded, fixed two minutes later: answered by the fix.
    let judged = judge(&fixed_at_once, Some(&contract), &clocks);
    assert_eq!(judged.responded_at, Some(local(tz, "2026-11-10 10:02")));
    assert_eq!(judged.response.unwrap().unwrap().met_at(created), Some(true));

    let judged = judge(&excluded, Some(&contract), &clocks);
    assert_eq!(judged.response, Err(Unjudged::Excluded));
    assert_eq!(judged.resolution, Err(Unjudged::Excluded));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn business_minutes_never_exceed_wall_minutes(start in 0i64..(300 * 1440), length in 0i64..(20 * 1440)) {
        let london: Tz = "Europe/London".parse().unwrap();
        let clock = clock("Mon-Fri 08:00-18:00, Sat 22:00-02:00", &["2026-05-04"], london);
        let from = local(london, "2026-01-05 00:00") + chrono::Duration::minutes(start);
        let to = from + chrono::Duration::minutes(length);
        prop_assert!(clock.elapsed_seconds(from, to) <= (to - from).num_seconds());
    }

    #[test]
    fn a_holiday_or_a_pause_never_turns_met_into_missed(
        start in 0i64..(60 * 1440),
        answer in 0i64..(10 * 1440),
        fix in 0i64..(20 * 1440),
        holiday in 0i64..70,
        pause in 0i64..2000,
    ) {
        let tz = Tz::UTC;
        let created = local(tz, "2026-11-02 00:00") + chrono::Duration::minutes(start);
        let plain = ticket(
            "P3",
            created,
            Some(created + chrono::Duration::minutes(answer)),
            Some(created + chrono::Duration::minutes(answer + fix)),
        );
        let mut without = contract(Some("Mon-Fri 08:00-18:00"));
        without.terms.holidays.clear();
        let mut with_holiday = without.clone();
        with_holiday.terms.holidays.push(day("2026-11-02") + chrono::Duration::days(holiday));
        let mut paused = plain.clone();
        paused.paused_minutes = Some(pause);
        let cutoff = created + chrono::Duration::days(60);
        let verdict = |contract: &Contract, ticket: &Ticket| {
            judge(ticket, Some(contract), &clocks_for(contract, std::slice::from_ref(ticket))).verdict_at(cutoff).unwrap()
        };
        let before = verdict(&without, &plain);
        if before == Some(true) {
            prop_assert_eq!(verdict(&with_holiday, &plain), Some(true));
            prop_assert_eq!(verdict(&without, &paused), Some(true));
        }
    }
}
