//! Embedded, add-only schema migrations. Each runs in its own transaction
//! and bumps `PRAGMA user_version`; a shipped migration is never edited.

use std::path::Path;

use rusqlite::Connection;

use crate::StoreError;

const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_initial.sql"),
    include_str!("../migrations/0002_assessment.sql"),
    include_str!("../migrations/0003_sync.sql"),
    include_str!("../migrations/0004_reports.sql"),
    include_str!("../migrations/0005_contract_clocks.sql"),
    include_str!("../migrations/0006_signed_archive.sql"),
    include_str!("../migrations/0007_board_pack.sql"),
    include_str!("../migrations/0008_scale.sql"),
    include_str!("../migrations/0009_source_content.sql"),
    include_str!("../migrations/0010_device_sightings.sql"),
    include_str!("../migrations/0011_accounts.sql"),
    include_str!("../migrations/0012_uptime.sql"),
    include_str!("../migrations/0013_domains.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies migrations until the schema is at `target`; tests use it to
/// build an older schema and fill it with data.
pub(crate) fn run_up_to(conn: &mut Connection, path: &Path, target: i64) -> Result<(), StoreError> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::TooNew { path: path.to_path_buf(), found: current, known: SCHEMA_VERSION });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().take(target as usize).skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
