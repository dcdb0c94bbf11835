//! Each desktop screen's data from the cache, as the window asks for it:
//! the median of 20 calls per screen on the demo company, after one call
//! to warm the page cache. The budget is 50 ms.
//! Run with `cargo bench -p sightline-api --bench screens`.

use std::time::Instant;

use sightline_api::{Clock, DrilldownQuery, Secret, Sightline, TrendQuery, Unlock};

fn time(name: &str, mut call: impl FnMut()) {
    call();
    let mut runs: Vec<f64> = (0..20)
        .map(|_| {
            let started = Instant::now();
            call();
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    println!("{name:<28} median {:>7.2} ms   slowest {:>7.2} ms", runs[10], runs[19]);
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let unlock = Unlock { passphrase: Some(Secret::new("bench")) };
    let app = Sightline::open_with(dir.path(), unlock, Clock::Fixed("2026-11-22T08:00:00Z".parse().unwrap())).unwrap();
    app.rebuild_demo().unwrap();
    let vendor = app.vendor_choices().unwrap()[1].id.clone();
    time("overview", || drop(app.overview().unwrap()));
    time("trend (months, all)", || drop(app.trend(&TrendQuery::default()).unwrap()));
    time("trend (quarters, a vendor)", || {
        drop(
            app.trend(&TrendQuery { vendor: Some(vendor.clone()), granularity: Some("quarter".into()), metric: None })
                .unwrap(),
        )
    });
    time("drill-down (a month, all)", || {
        let query = DrilldownQuery {
            metric: "sla_response_compliance_pct".into(),
            vendor: Some("all".into()),
            period: "2026-10".into(),
        };
        drop(app.drilldown(&query).unwrap())
    });
    time("scorecard", || drop(app.scorecard(None).unwrap()));
    time("vendor page", || drop(app.vendor_page(&vendor, None).unwrap()));
    time("risks (all)", || drop(app.risks(true).unwrap()));
    time("reports", || drop(app.reports().unwrap()));
    time("sources", || drop(app.sources_view().unwrap()));
    time("settings", || drop(app.settings_view().unwrap()));
}
