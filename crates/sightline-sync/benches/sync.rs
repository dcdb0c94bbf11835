//! Syncs 100,000 tickets from a local fake ConnectWise (pages of 1,000)
//! into a real encrypted cache, then syncs again with nothing changed.
//! Prints the wall time, the requests made and the records applied of each.
//! Run with `cargo bench -p sightline-sync`.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, TimeZone, Utc};
use sightline_domain::Secret;
use sightline_store::{OsKeychain, Store, Unlock};
use sightline_sync::{Config, SyncOptions, sync};
use sightline_test_support::connectwise::{self, FakeConnectWise};

const TICKETS: usize = 100_000;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let fake = FakeConnectWise::start(connectwise::tickets(TICKETS, now(), chrono::Duration::minutes(10))).await;
    let dir = tempfile::tempdir().unwrap();
    let unlock = Unlock { passphrase: Some(Secret::new("bench")) };
    let store = Mutex::new(Store::open(dir.path(), unlock, &OsKeychain).unwrap());
    let text = format!(
        "[[vendor]]\nid = \"bluepeak\"\nname = \"Bluepeak IT Services\"\nkind = \"msp\"\n\n[[source]]\nid = \"bluepeak-psa\"\n\
         kind = \"connectwise\"\nvendor = \"bluepeak\"\nbase_url = \"{}\"\ncompany_id = \"{}\"\nclient_id = \"{}\"\n",
        fake.base_url(),
        connectwise::COMPANY_ID,
        connectwise::CLIENT_ID
    );
    let config = Config::parse(&text, &dir.path().join("sightline.toml")).unwrap();
    let secrets: sightline_sync::SecretLookup =
        Arc::new(|_: &str| Ok(Some(Secret::new(format!("{}:{}", connectwise::PUBLIC_KEY, connectwise::PRIVATE_KEY)))));
    let options = SyncOptions::default();
    println!("sync of {TICKETS} tickets from a local fake ConnectWise, pages of 1,000, into an encrypted cache");
    for label in ["first sync (full)", "second sync (nothing changed)"] {
        let started = Instant::now();
        let report = sync(&store, &config, Arc::clone(&secrets), now(), &options, Arc::new(|_| {})).await.unwrap();
        let elapsed = started.elapsed();
        let outcome = &report.outcomes[0];
        assert!(outcome.ok, "{outcome:?}");
        println!(
            "  {label:<30} {:>8.3} s  {:>4} requests  {:>6} records  ({})",
            elapsed.as_secs_f64(),
            outcome.requests,
            outcome.records,
            outcome.reason
        );
    }
    let held = store.lock().unwrap().load_records().unwrap().tickets.len();
    assert_eq!(held, TICKETS);
}
