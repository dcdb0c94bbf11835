//! What encryption costs: the cache's own reads and writes timed on the
//! encrypted file and on a plain copy of it, same schema, same indexes,
//! same settings. For the scale benchmark (the design's 1.3x budget). The
//! plain copy is readable and lives in a scratch folder the caller
//! removes: the API runs this on an invented company only, under the sync
//! lock.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use sightline_domain::{RecordBatch, RecordKind};

use crate::records::{self, RecordWindow, Wanted};
use crate::{Store, StoreError};

/// One operation's median time on each file.
#[derive(Debug, Clone)]
pub struct CipherCost {
    pub operation: &'static str,
    pub encrypted: Duration,
    pub plain: Duration,
}

impl CipherCost {
    /// Encrypted time over plain time.
    pub fn ratio(&self) -> f64 {
        self.encrypted.as_secs_f64() / self.plain.as_secs_f64().max(1e-9)
    }
}

impl Store {
    /// Copies the cache, decrypted, into `scratch` and times each
    /// operation `runs` times on both, alternating, the encrypted file
    /// first: a month's records, a year's tickets, one vendor's month, the
    /// tickets counted by source (a full scan) and one source's tickets
    /// deleted and written again (committed, the same rows back).
    #[doc(hidden)]
    pub fn compare_with_plain(
        &self,
        scratch: &Path,
        month: RecordWindow,
        year: RecordWindow,
        runs: usize,
    ) -> Result<Vec<CipherCost>, StoreError> {
        let plain_path = scratch.join("plain.sqlite");
        // The cache's connection may not create files: the copy is made
        // (empty) first, then filled.
        drop(Connection::open(&plain_path)?);
        self.conn.execute("ATTACH DATABASE ?1 AS plain KEY ''", [plain_path.to_string_lossy()])?;
        let exported = self.conn.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(()));
        self.conn.execute("DETACH DATABASE plain", [])?;
        exported?;
        let plain = Connection::open(&plain_path)?;
        crate::configure(&plain)?;

        let (source, vendor): (String, String) = self.conn.query_row(
            "SELECT source_id, vendor_id FROM tickets GROUP BY source_id ORDER BY COUNT(*) DESC, source_id LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        let tickets =
            RecordBatch { tickets: records::tickets_of_source(&self.conn, &source)?, ..RecordBatch::default() };

        type Operation<'a> = Box<dyn Fn(&Connection) -> rusqlite::Result<()> + 'a>;
        let operations: Vec<(&'static str, Operation)> = vec![
            (
                "a month's records, every kind",
                Box::new(|conn| records::load_batch(conn, Some(month), Wanted::EVERYTHING).map(drop)),
            ),
            (
                "a year's tickets",
                Box::new(|conn| {
                    records::load_batch(conn, Some(year), Wanted { kinds: &[RecordKind::Ticket], vendor: None })
                        .map(drop)
                }),
            ),
            (
                "one vendor's tickets of a month",
                Box::new(|conn| records::tickets_created(conn, &vendor, month).map(drop)),
            ),
            (
                "tickets counted by source (every row)",
                Box::new(|conn| {
                    let mut statement = conn.prepare("SELECT source_id, COUNT(*) FROM tickets GROUP BY source_id")?;
                    let counts: Vec<(String, i64)> =
                        statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<_, _>>()?;
                    drop(counts);
                    Ok(())
                }),
            ),
            (
                "one source's tickets deleted and written again",
                Box::new(|conn| {
                    let tx = conn.unchecked_transaction()?;
                    tx.execute("DELETE FROM tickets WHERE source_id = ?1", [&source])?;
                    records::insert_batch(&tx, &tickets)?;
                    tx.commit()
                }),
            ),
        ];
        let median = |mut times: Vec<Duration>| {
            times.sort();
            times[times.len() / 2]
        };
        let mut costs = Vec::new();
        for (operation, run) in operations {
            let (mut encrypted, mut clear) = (Vec::new(), Vec::new());
            for _ in 0..runs.max(1) {
                for (conn, times) in [(&self.conn, &mut encrypted), (&plain, &mut clear)] {
                    let started = Instant::now();
                    run(conn)?;
                    times.push(started.elapsed());
                }
            }
            costs.push(CipherCost { operation, encrypted: median(encrypted), plain: median(clear) });
        }
        Ok(costs)
    }
}
