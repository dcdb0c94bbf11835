//! `sightline-cli`: Sightline without a window, for servers and cron. The
//! same library as the desktop app; no Tauri, no GTK.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use sightline_api::{
    ActionInput, CheckReport, ClaimVerdict, Clock, DisputeQuery, DisputeRow, DocumentInput, KpiQuery, KpiRow,
    MetricStatus, ReportQuery, ReviewInput, RiskRow, Secret, Sightline, SyncProgress, SyncQuery, SyncSummary,
    default_data_dir,
};

/// `println!` that ends the program quietly when standard output is a
/// closed pipe (`sightline-cli risks | head -1`), where std's panics.
macro_rules! println {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(error) = writeln!(std::io::stdout().lock(), $($arg)*) {
            output_failed(&error)
        }
    }};
}

/// Standard output could not be written: a reader that went away (a closed
/// pipe) is no failure of ours; anything else is said.
fn output_failed(error: &std::io::Error) -> ! {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("error: could not write the output: {error}");
    std::process::exit(1);
}

/// Verify what your IT providers deliver: KPIs, risks and board reports from
/// an encrypted local cache.
#[derive(Debug, Parser)]
#[command(name = "sightline-cli", version, about, long_about = None)]
struct Cli {
    /// Where the encrypted cache lives [default: the OS data directory, e.g.
    /// ~/.local/share/sightline]
    #[arg(long, global = true, env = "SIGHTLINE_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// The company's configuration [default: sightline.toml in the data directory]
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create or rebuild the built-in demo company in the data directory
    Demo {
        /// Replace a real company's data with the demo (refused without it)
        #[arg(long)]
        replace: bool,
        /// Build the design-scale company instead (five years of 20 vendors,
        /// 1,000,000 tickets), the one the scale benchmarks run on
        #[arg(long, value_name = "SCALE", value_parser = ["design"])]
        scale: Option<String>,
    },
    /// Print metrics per vendor for a period: value, unit, target and status
    Kpis {
        /// Only this vendor (its id), or `all` for every vendor together
        #[arg(long, value_name = "ID")]
        vendor: Option<String>,
        /// A month (2026-10) or a quarter (2026-Q3) [default: the current month]
        #[arg(long, value_name = "PERIOD")]
        period: Option<String>,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Print the risk flags, most serious first: headline, why it matters, the question to ask
    Risks {
        /// Include resolved flags
        #[arg(long)]
        all: bool,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Acknowledge a flag with a private note (kept through every sync and upgrade)
    Ack {
        /// The flag's id, as `risks` prints it
        #[arg(value_name = "FLAG_ID")]
        flag_id: String,
        /// What was agreed, or why the risk is accepted
        #[arg(long, value_name = "TEXT")]
        note: String,
    },
    /// Give a flag an action: who owns it, by when, and where it stands (the board pack lists them)
    Action {
        /// The flag's id, as `risks` prints it
        #[arg(value_name = "FLAG_ID")]
        flag_id: String,
        /// Who is answerable for it (required the first time)
        #[arg(long, value_name = "NAME")]
        owner: Option<String>,
        /// By when, as 2027-01-31 (required the first time)
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
        /// open, in-progress, done or accepted (accepted needs --reason) [default: open]
        #[arg(long, value_name = "STATUS")]
        status: Option<String>,
        /// Why the risk is accepted, or a note on the action
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
    /// Documents on file per vendor (SOC 2 report, penetration test, restore test record, cyber
    /// insurance, contract), kept inside the encrypted cache
    Evidence {
        #[command(subcommand)]
        action: EvidenceAction,
    },
    /// The supplier review log: when each vendor was reviewed, by whom, the outcome, the next due
    Review {
        #[command(subcommand)]
        action: ReviewAction,
    },
    /// Fetch new records from the configured sources into the cache
    Sync {
        /// Only this source (its id in sightline.toml)
        #[arg(long, value_name = "ID")]
        source: Option<String>,
        /// Read everything again, not only what changed since the last sync
        #[arg(long)]
        full: bool,
        /// Apply a read that holds far fewer records than the cache (held otherwise)
        #[arg(long)]
        accept_shrink: bool,
        /// Print the result as JSON
        #[arg(long)]
        json: bool,
    },
    /// Run only Sightline's own checks (websites, certificates), for cron or a timer every few minutes
    Probe {
        /// Print the result as JSON
        #[arg(long)]
        json: bool,
    },
    /// List the configured sources, whether their credentials are stored, and their last sync
    Sources,
    /// Remove a source that is no longer in sightline.toml, with every record it brought
    Forget {
        #[arg(value_name = "SOURCE_ID")]
        source: String,
    },
    /// Store or remove a source's credentials (kept in the OS keychain, or in the encrypted cache)
    Secret {
        #[command(subcommand)]
        action: SecretAction,
    },
    /// Make the board report (PDF) for a period and keep a sealed copy in the archive
    Report {
        /// A quarter (2026-Q3) or a month (2026-10) [default: the last full quarter]
        #[arg(long, value_name = "PERIOD")]
        period: Option<String>,
        /// a4 or us-letter [default: a4]
        #[arg(long, value_name = "SIZE")]
        paper: Option<String>,
        /// Where to write the PDF
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// List archived reports; open one (its fingerprint checked) or compare two
    Reports {
        #[command(subcommand)]
        action: Option<ReportsAction>,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Check a report PDF against its minisign signature (FILE.minisig) and say whether it is in this archive
    Verify {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The signature file [default: FILE.minisig]
        #[arg(long, value_name = "SIG")]
        sig: Option<PathBuf>,
        /// A public key (a .pub file, or the key itself) [default: this archive's key]
        #[arg(long, value_name = "KEY")]
        key: Option<String>,
    },
    /// List the tickets on which a vendor's own SLA verdict and the contract's disagree, with the reason for each
    Disputes {
        /// The vendor's id
        #[arg(long, value_name = "ID")]
        vendor: String,
        /// A month (2026-10) or a quarter (2026-Q3) [default: the current month]
        #[arg(long, value_name = "PERIOD")]
        period: Option<String>,
        /// Print JSON instead of a table
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV (one row per ticket) instead of a table
        #[arg(long)]
        csv: bool,
    },
    /// What each provider's tools report beside what Sightline measured itself: agree, disagree, or nothing to compare
    Claims {
        /// A month (2026-10) or a quarter (2026-Q3) [default: the last complete month]
        #[arg(long, value_name = "PERIOD")]
        period: Option<String>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Write one encrypted file holding the cache, the configuration and the stored credentials.
    /// The passphrase comes from SIGHTLINE_BACKUP_PASSPHRASE, or the first line of standard input
    Backup {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Bring back a backup into the data directory (a new machine, a damaged cache).
    /// A file made by `backup` needs its passphrase (SIGHTLINE_BACKUP_PASSPHRASE or standard input);
    /// an automatic backup from the data directory's backups/ needs none
    Restore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Replace the company the data directory holds (it is kept as an automatic backup first)
        #[arg(long)]
        replace: bool,
    },
    /// Write everything the cache holds, unencrypted, into a new folder: every kind of record, the
    /// figures, the flags with their notes, and the archived reports
    Export {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// csv or json [default: csv]
        #[arg(long, value_name = "FORMAT", default_value = "csv")]
        format: String,
        /// Confirm that the files will not be encrypted (for scripts; asked otherwise)
        #[arg(long)]
        yes: bool,
    },
    /// Check that the cache opens and is intact, where it is, and how fresh each source is
    Check {
        /// Also read every page of the cache and check it is intact (seconds on a large cache)
        #[arg(long)]
        full: bool,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum EvidenceAction {
    /// List the documents on file with their dates and whether each is current
    List {
        #[arg(long, value_name = "ID")]
        vendor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Put a document on file (its bytes go into the encrypted cache only)
    Add {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The vendor's id
        #[arg(long, value_name = "ID")]
        vendor: String,
        /// soc2, pentest, restore_test, cyber_insurance or contract
        #[arg(long, value_name = "KIND")]
        kind: String,
        /// The date the document is of, as 2026-09-30
        #[arg(long, value_name = "DATE")]
        issued: String,
        /// When it stops being valid, as 2027-09-30
        #[arg(long, value_name = "DATE")]
        expires: Option<String>,
        /// A title [default: vendor, kind and month]
        #[arg(long, value_name = "TEXT")]
        title: Option<String>,
    },
    /// Write a document on file to a file (its SHA-256 checked first)
    Open {
        #[arg(value_name = "ID")]
        id: i64,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Take a document off file
    Remove {
        #[arg(value_name = "ID")]
        id: i64,
    },
    /// Set the kinds every outside vendor must have on file (`none` for none); prints them without KINDs
    Require {
        #[arg(value_name = "KIND")]
        kinds: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum ReviewAction {
    /// Log a supplier review
    Add {
        /// The vendor's id
        #[arg(long, value_name = "ID")]
        vendor: String,
        /// When it took place, as 2026-11-30
        #[arg(long, value_name = "DATE")]
        on: String,
        /// Who reviewed
        #[arg(long, value_name = "NAME")]
        by: String,
        /// What came of it
        #[arg(long, value_name = "TEXT")]
        outcome: String,
        /// When the next review is due, as 2027-03-31
        #[arg(long, value_name = "DATE")]
        next: Option<String>,
    },
    /// List the review log, newest first
    List {
        #[arg(long, value_name = "ID")]
        vendor: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum ReportsAction {
    /// Write an archived report's PDF to a file, after checking it was not altered
    Open {
        #[arg(value_name = "ID")]
        id: i64,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Check the whole archive: every report's PDF, signature and data snapshot, and the chain that
    /// links each entry to the one before (an entry altered, removed, inserted or reordered is named)
    Verify,
    /// Print the public key that signs the reports (minisign format), or write it to a file
    Key {
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// What got better and what got worse from one archived report to another
    Compare {
        #[arg(value_name = "FROM_ID")]
        from: i64,
        #[arg(value_name = "TO_ID")]
        to: i64,
    },
}

#[derive(Debug, Subcommand)]
enum SecretAction {
    /// Read the source's credentials from standard input (never from the command line) and store them.
    /// Forms: ConnectWise PUBLIC_KEY:PRIVATE_KEY; HaloPSA and NinjaOne CLIENT_ID:CLIENT_SECRET;
    /// ServiceNow USER:PASSWORD; Autotask USERNAME:SECRET
    Set {
        #[arg(value_name = "SOURCE_ID")]
        source: String,
    },
    /// Remove the source's stored credentials
    Delete {
        #[arg(value_name = "SOURCE_ID")]
        source: String,
    },
}

/// Disputes as CSV, the columns in `DisputeRow`'s order.
fn print_disputes_csv(rows: &[DisputeRow]) -> anyhow::Result<()> {
    let mut out = csv::Writer::from_writer(std::io::stdout());
    out.write_record([
        "source",
        "ticket",
        "priority",
        "created_at",
        "first_response_at",
        "resolved_at",
        "clock",
        "target",
        "target_minutes",
        "elapsed_minutes",
        "paused_minutes",
        "vendor_says",
        "sightline_says",
        "reason",
    ])?;
    for row in rows {
        out.write_record([
            row.source.as_str(),
            &row.ticket,
            &row.priority,
            &row.created_at,
            row.first_response_at.as_deref().unwrap_or(""),
            row.resolved_at.as_deref().unwrap_or(""),
            &row.clock,
            &row.target,
            &row.target_minutes.to_string(),
            &row.elapsed_minutes.to_string(),
            &row.paused_minutes.to_string(),
            &row.vendor_says,
            &row.sightline_says,
            &row.reason,
        ])?;
    }
    out.flush()?;
    Ok(())
}

/// The backup passphrase: `SIGHTLINE_BACKUP_PASSPHRASE`, typed without
/// echo on a terminal (twice when a backup is made: a typo would make a
/// backup nobody can open), or the first line of standard input. Never a
/// command-line argument, which `ps` shows.
fn backup_passphrase(twice: bool) -> anyhow::Result<Secret> {
    if let Ok(text) = std::env::var("SIGHTLINE_BACKUP_PASSPHRASE") {
        return Ok(Secret::new(text));
    }
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        let first = rpassword::prompt_password("Backup passphrase: ").context("could not read the passphrase")?;
        if twice {
            let again =
                rpassword::prompt_password("The same passphrase again: ").context("could not read the passphrase")?;
            if again != first {
                anyhow::bail!("the two passphrases differ: nothing was written; type the same one twice");
            }
        }
        return Ok(Secret::new(first));
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).context("could not read the backup passphrase from standard input")?;
    Ok(Secret::new(line.trim_end_matches(['\r', '\n'])))
}

/// Asks a yes/no question on a terminal; anywhere else (cron, a pipe) the
/// answer is no.
fn confirm(what: &str) -> anyhow::Result<bool> {
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return Ok(false);
    }
    eprint!("{what} Continue? [y/N] ");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes" | "Yes"))
}

/// Before `restore --replace`: a cache that cannot be opened (damaged,
/// emptied) is moved aside, never deleted, so that the backup can be
/// restored in its place. Its key stays where it was, for the automatic
/// backups made with it.
fn set_aside_unreadable_cache(data_dir: &std::path::Path, clock: &Clock) -> anyhow::Result<()> {
    let cache = data_dir.join(sightline_api::CACHE_FILE);
    if !cache.exists() {
        return Ok(());
    }
    let unreadable = match Sightline::open(data_dir, *clock) {
        // Opens with the key, but its pages may be damaged: the integrity
        // check decides (a restore is rare; its cost is paid here).
        Ok(app) => match app.check(true) {
            Ok(report) if report.integrity_ok == Some(true) => return Ok(()),
            Ok(report) => report.problems.first().cloned().unwrap_or_default(),
            Err(error) if error.code == sightline_api::ErrorCode::CacheDamaged => error.message,
            Err(error) => return Err(error.into()),
        },
        // Only a cache the key opens but that is empty or damaged is set
        // aside: a wrong passphrase, a newer schema or a missing salt must
        // never be taken for damage.
        Err(error) if error.code == sightline_api::ErrorCode::CacheDamaged => error.message,
        Err(error) => return Err(error.into()),
    };
    let stamp = clock.now().format("%Y%m%dT%H%M%SZ");
    let aside = data_dir.join(format!("{}.unreadable-{stamp}", sightline_api::CACHE_FILE));
    std::fs::rename(&cache, &aside).with_context(|| format!("could not move {} aside", cache.display()))?;
    for suffix in ["-wal", "-shm"] {
        let extra = data_dir.join(format!("{}{suffix}", sightline_api::CACHE_FILE));
        if extra.exists() {
            let _ = std::fs::rename(
                &extra,
                data_dir.join(format!("{}{suffix}.unreadable-{stamp}", sightline_api::CACHE_FILE)),
            );
        }
    }
    eprintln!("The cache is damaged ({unreadable}); it was moved aside to {}.", aside.display());
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let closed_pipe = error.chain().any(|cause| {
                cause.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
                    || cause.downcast_ref::<csv::Error>().is_some_and(
                        |csv| matches!(csv.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe),
                    )
            });
            if closed_pipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let data_dir = cli.data_dir.unwrap_or_else(default_data_dir);
    // Setting up (`demo`, `sync`, `secret`, `sources`) may create a cache.
    // Reading figures from a folder with none is a mistyped --data-dir, and
    // an empty cache's "No risks flagged." would read as all clear in cron.
    let creates = matches!(
        cli.command,
        Command::Demo { .. }
            | Command::Sync { .. }
            | Command::Probe { .. }
            | Command::Secret { .. }
            | Command::Sources
            | Command::Restore { .. }
    );
    if !creates && !data_dir.join(sightline_api::CACHE_FILE).exists() {
        anyhow::bail!(
            "there is no Sightline cache in {}: check --data-dir (or SIGHTLINE_DATA_DIR), or create one with \
             `sightline-cli sync` (your company) or `sightline-cli demo`",
            data_dir.display()
        );
    }
    let clock = Clock::from_env()?;
    // A restore checks the backup before it creates or moves anything.
    let mut backup_key = None;
    if let Command::Restore { file, replace } = &cli.command {
        let automatic = file.parent().and_then(|parent| parent.canonicalize().ok())
            == data_dir.join(sightline_api::BACKUP_DIR).canonicalize().ok();
        if !automatic {
            let passphrase = backup_passphrase(false)?;
            sightline_api::check_backup(file, &passphrase)?;
            backup_key = Some(passphrase);
        }
        if *replace {
            set_aside_unreadable_cache(&data_dir, &clock)?;
        }
    }
    let mut app = Sightline::open(&data_dir, clock)?;
    if let Some(config) = cli.config {
        app = app.with_config(config);
    }
    match cli.command {
        Command::Demo { replace, scale } => {
            match scale {
                Some(_) => app.build_scale_demo(sightline_api::Scale::DESIGN, replace),
                None => app.build_demo(replace),
            }
            .context("could not build the demo company")?;
            let report = app.check(false)?;
            println!(
                "Built the demo company \"{}\" in {} ({} records).",
                report.company,
                data_dir.display(),
                report.records
            );
        }
        Command::Kpis { vendor, period, json } => {
            let rows = app.kpis(&KpiQuery { vendor, period })?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                print_kpis(&rows);
            }
        }
        Command::Risks { all, json } => {
            let risks = app.risks(all)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&risks)?);
            } else {
                print_risks(&risks);
            }
        }
        Command::Ack { flag_id, note } => {
            let risk = app.acknowledge(&flag_id, &note)?;
            println!("Acknowledged: {}", risk.headline);
        }
        Command::Action { flag_id, owner, due, status, reason } => {
            let risk = app.set_action(&flag_id, &ActionInput { owner, due, status, reason })?;
            if let Some(action) = &risk.action {
                println!("{}: {} owns it, due {}; {}", risk.headline, action.owner, action.due, action.status_text);
            }
        }
        Command::Evidence { action } => evidence(&app, action)?,
        Command::Review { action } => match action {
            ReviewAction::Add { vendor, on, by, outcome, next } => {
                let row =
                    app.add_review(&ReviewInput { vendor, reviewed_on: on, reviewer: by, outcome, next_due: next })?;
                println!("Logged the review of {} on {} ({}).", row.vendor_name, row.reviewed_on_text, row.id);
            }
            ReviewAction::List { vendor, json } => {
                let rows = app.reviews(vendor.as_deref())?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&rows)?);
                } else if rows.is_empty() {
                    println!("No supplier reviews are logged.");
                } else {
                    for row in rows {
                        let next = row.next_due.as_deref().map(|day| format!("; next due {day}")).unwrap_or_default();
                        println!(
                            "{}  {:<28} by {}: {}{next}",
                            row.reviewed_on, row.vendor_name, row.reviewer, row.outcome
                        );
                    }
                }
            }
        },
        Command::Probe { json } => {
            let config = app.config()?;
            if !config.sources.iter().any(|source| source.kind.probe()) {
                anyhow::bail!(
                    "{} has no checks to run: add a [[source]] with kind = \"http\" (websites and services) or \
                     kind = \"tls\" (certificates)",
                    app.config_path().display()
                );
            }
            sync_and_report(&app, SyncQuery { probes_only: true, ..SyncQuery::default() }, json)?;
        }
        Command::Sync { source, full, accept_shrink, json } => {
            sync_and_report(&app, SyncQuery { source, full, accept_shrink, probes_only: false }, json)?;
        }
        Command::Sources => {
            let config = app.config()?;
            let check = app.check(false)?;
            println!("Configuration: {}", app.config_path().display());
            for source in &config.sources {
                let credentials = match source.kind.secret_form() {
                    None => "no credentials needed".to_string(),
                    Some(form) if app.has_secret(&source.id)? => format!("credentials stored ({form})"),
                    Some(form) => format!("NO CREDENTIALS: run `sightline-cli secret set {}` ({form})", source.id),
                };
                let synced = check
                    .sources
                    .iter()
                    .find(|fresh| fresh.id == source.id)
                    .map_or_else(|| "never synced".to_string(), |fresh| format!("last synced {}", fresh.age_text));
                println!(
                    "  {:<20} {:<22} vendor {:<14} {credentials}; {synced}",
                    source.id,
                    source.kind.display_name(),
                    source.vendor
                );
            }
        }
        Command::Forget { source } => {
            let removed = app.forget_source(&source)?;
            println!("Forgot {source} and its {removed} records.");
        }
        Command::Secret { action: SecretAction::Set { source } } => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .context("could not read the secret from standard input")?;
            let secret = Secret::new(text.lines().next().unwrap_or_default().trim());
            app.set_secret(&source, secret)?;
            println!("Stored the credentials for {source}.");
        }
        Command::Secret { action: SecretAction::Delete { source } } => {
            if app.delete_secret(&source)? {
                println!("Removed the credentials for {source}.");
            } else {
                println!("No credentials were stored for {source}.");
            }
        }
        Command::Report { period, paper, out } => {
            let (report, bytes) = app.export_report(&ReportQuery { period, paper }, Some(&out))?;
            println!(
                "Wrote {} ({} pages, {} KB) and its signature {}.minisig, and archived it as report {}.",
                out.display(),
                report.pages,
                bytes.len().div_ceil(1024),
                out.display(),
                report.id
            );
            println!("Fingerprint of its data: {}", report.fingerprint);
        }
        Command::Backup { out } => {
            let passphrase = backup_passphrase(true)?;
            let done = app.backup(&out, &passphrase)?;
            println!(
                "Wrote the backup {} ({} KB): the cache{}{}. Keep the passphrase: without it the file cannot be read.",
                done.path.display(),
                done.bytes.div_ceil(1024),
                if done.config { ", the configuration" } else { "" },
                match done.secrets {
                    0 => String::new(),
                    count => format!(" and {count} source credential{}", if count == 1 { "" } else { "s" }),
                }
            );
        }
        Command::Restore { file, replace } => {
            let done = app.restore(&file, backup_key.as_ref(), replace)?;
            println!(
                "Restored \"{}\" into {}: {} records, {} archived report{}, {} credential{}.",
                done.company,
                data_dir.display(),
                done.records,
                done.reports,
                if done.reports == 1 { "" } else { "s" },
                done.secrets,
                if done.secrets == 1 { "" } else { "s" }
            );
            for kept in &done.previous {
                println!("What was there before is kept in {}.", kept.display());
            }
        }
        Command::Export { out, format, yes } => {
            let format = sightline_api::ExportFormat::parse(&format)?;
            if !yes
                && !confirm(&format!("This writes your company's records to {} without encryption.", out.display()))?
            {
                anyhow::bail!(
                    "nothing was exported: the files would not be encrypted, so export asks first; add --yes to \
                     confirm from a script"
                );
            }
            let done = app.export(&out, format)?;
            println!("Exported {} records to {} (not encrypted):", done.records, done.dir.display());
            for (file, count) in &done.files {
                println!("  {file:<32} {count}");
            }
        }
        Command::Disputes { vendor, period, json, csv } => {
            let disputes = app.disputes(&DisputeQuery { vendor, period })?;
            if json {
                println!("{}", serde_json::to_string_pretty(&disputes.rows)?);
            } else if csv {
                print_disputes_csv(&disputes.rows)?;
            } else {
                println!("{}", disputes.summary);
                for row in &disputes.rows {
                    println!(
                        "  {:<12} {:<3} opened {}  {} says {}, Sightline says {}",
                        row.ticket,
                        row.priority,
                        &row.created_at[..16],
                        disputes.vendor_name,
                        row.vendor_says,
                        row.sightline_says
                    );
                    println!("  {:<12} {}", "", row.reason);
                }
            }
        }
        Command::Claims { period, json } => {
            let view = app.claims(period.as_deref())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&view)?);
            } else {
                println!("Claimed vs measured, {}", view.period_label);
                for vendor in &view.vendors {
                    println!("\n{}", vendor.vendor_name);
                    for row in &vendor.rows {
                        let verdict = match row.verdict {
                            ClaimVerdict::Agree => "AGREE",
                            ClaimVerdict::Disagree => "DISAGREE",
                            ClaimVerdict::NoComparison => "NOTHING TO COMPARE",
                        };
                        println!("  {:<15} {verdict}", row.topic_name);
                        println!("  {:<15} Claimed:  {}", "", row.claim);
                        println!("  {:<15} Measured: {}", "", row.measured);
                        println!("  {:<15} {}", "", row.why);
                        if row.evidence_count > 0 {
                            println!(
                                "  {:<15} Records: {} ({} in all)",
                                "",
                                row.evidence.join(", "),
                                row.evidence_count
                            );
                        }
                    }
                }
            }
        }
        Command::Reports { action: None, json } => {
            let reports = app.reports()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&reports)?);
            } else if reports.is_empty() {
                println!("No reports archived yet: `sightline-cli report --out board.pdf` makes one.");
            } else {
                for report in &reports {
                    println!(
                        "{:>4}  {:<8}  {}  {:>3} pages  {}",
                        report.id,
                        report.period,
                        &report.created_at[..16],
                        report.pages,
                        report.title
                    );
                }
            }
        }
        Command::Reports { action: Some(ReportsAction::Open { id, out }), .. } => {
            let mut opened = None;
            app.save_report_copy(id, |report| {
                opened = Some(report.clone());
                Some(out.clone())
            })?;
            let report = opened.context("the report was not opened")?;
            println!(
                "Wrote report {} ({}) to {}; its SHA-256 matches the archive: {}.",
                report.id,
                report.period,
                out.display(),
                report.sha256
            );
        }
        Command::Reports { action: Some(ReportsAction::Verify), .. } => {
            let check = app.verify_archive()?;
            if check.problems.is_empty() {
                println!(
                    "The archive is intact: {} report{}, {} signed and chained, none altered, removed or inserted.",
                    check.entries,
                    if check.entries == 1 { "" } else { "s" },
                    check.signed
                );
            } else {
                for problem in &check.problems {
                    println!("  {problem}");
                }
                anyhow::bail!(
                    "the archive has been tampered with: {} problem{} found (listed above); do not rely on the reports \
                     named, and bring back a backup with `sightline-cli restore`",
                    check.problems.len(),
                    if check.problems.len() == 1 { "" } else { "s" }
                );
            }
        }
        Command::Reports { action: Some(ReportsAction::Key { out }), .. } => {
            let key = app.public_key_file()?;
            match out {
                Some(out) => {
                    std::fs::write(&out, &key).with_context(|| format!("could not write {}", out.display()))?;
                    println!("Wrote the public key to {}.", out.display());
                }
                None => println!("{}", key.trim_end()),
            }
        }
        Command::Verify { file, sig, key } => {
            let verified = app.verify_file(&file, sig.as_deref(), key.as_deref())?;
            println!("{}", verified.summary);
        }
        Command::Reports { action: Some(ReportsAction::Compare { from, to }), json } => {
            let comparison = app.compare_reports(from, to)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&comparison)?);
            } else {
                println!(
                    "From report {} ({}) to report {} ({}):",
                    from, comparison.from.period, to, comparison.to.period
                );
                for (title, lines) in [
                    ("Better", &comparison.better),
                    ("Worse", &comparison.worse),
                    ("New risks", &comparison.new_risks),
                    ("No longer flagged", &comparison.resolved_risks),
                ] {
                    println!("{title}:");
                    if lines.is_empty() {
                        println!("  (none)");
                    }
                    for line in lines {
                        println!("  {line}");
                    }
                }
            }
        }
        Command::Check { full, json } => {
            let report = app.check(full)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_check(&report);
            }
            if report.integrity_ok == Some(false) {
                let newest = sightline_api::automatic_backups(&data_dir).pop();
                let next = match newest {
                    Some(path) => format!(
                        "bring back the latest automatic backup with `sightline-cli restore --replace {}`",
                        path.display()
                    ),
                    None => "bring back a backup with `sightline-cli restore --replace FILE`".into(),
                };
                // SQLCipher's page check names the damaged pages in a line
                // each; SQLite's structural check can run to hundreds.
                let pages: Vec<&str> =
                    report.problems.iter().map(String::as_str).filter(|line| line.contains("HMAC")).collect();
                let found = if pages.is_empty() {
                    report.problems.first().and_then(|first| first.lines().last()).unwrap_or("").to_string()
                } else {
                    pages.join("; ")
                };
                anyhow::bail!("the cache is damaged ({found}): do not sync or report into it; {next}");
            }
        }
    }
    Ok(())
}

fn status_word(status: MetricStatus) -> &'static str {
    match status {
        MetricStatus::Met => "met",
        MetricStatus::AtRisk => "at risk",
        MetricStatus::Missed => "missed",
        MetricStatus::NoTarget => "-",
    }
}

/// The one formatter every screen and the PDF use ("78.4%", "14 days").
fn figure(value: Option<f64>, unit: &str) -> String {
    sightline_api::figure_text(value, unit)
}

fn print_kpis(rows: &[KpiRow]) {
    let mut current_vendor = "";
    for row in rows {
        if row.vendor != current_vendor {
            current_vendor = &row.vendor;
            println!();
            println!("{} ({}) - {}", row.vendor_name, row.vendor, row.period);
            println!("  {:<32} {:>11} {:>11} {:>9} {:>11}", "METRIC", "VALUE", "TARGET", "STATUS", "PREVIOUS");
        }
        println!(
            "  {:<32} {:>11} {:>11} {:>9} {:>11}",
            row.metric,
            sightline_api::figure_beside(row.value, row.target, row.unit.as_str()),
            figure(row.target, row.unit.as_str()),
            status_word(row.status),
            figure(row.previous, row.unit.as_str()),
        );
    }
}

fn evidence(app: &Sightline, action: EvidenceAction) -> anyhow::Result<()> {
    match action {
        EvidenceAction::List { vendor, json } => {
            let rows = app.documents(vendor.as_deref())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else if rows.is_empty() {
                println!("No documents are on file.");
            } else {
                for row in rows {
                    println!(
                        "{:>4}  {:<28} {:<28} dated {}; {}",
                        row.id, row.vendor_name, row.kind_text, row.issued, row.state_text
                    );
                }
            }
        }
        EvidenceAction::Add { file, vendor, kind, issued, expires, title } => {
            let row = app.add_document(&DocumentInput { vendor, kind, title, issued, expires }, &file)?;
            println!("Put on file as document {}: {} ({} bytes, {}).", row.id, row.title, row.bytes, row.state_text);
        }
        EvidenceAction::Open { id, out } => {
            let row = app.save_document_copy(id, &out)?;
            println!("Wrote {} ({}) to {}.", row.title, row.file_name, out.display());
        }
        EvidenceAction::Remove { id } => {
            app.remove_document(id)?;
            println!("Document {id} is no longer on file; an automatic backup holding it was kept first in backups/.");
        }
        EvidenceAction::Require { kinds } => {
            let kinds = if kinds.iter().any(|kind| kind == "none") {
                app.set_required_evidence(&[])?
            } else if kinds.is_empty() {
                app.required_evidence()?
            } else {
                app.set_required_evidence(&kinds)?
            };
            if kinds.is_empty() {
                println!("No documents are required of vendors.");
            } else {
                println!("Required of every outside vendor: {}", kinds.join(", "));
            }
        }
    }
    Ok(())
}

fn print_risks(risks: &[RiskRow]) {
    if risks.is_empty() {
        println!("No risks flagged.");
        return;
    }
    for risk in risks {
        let severity = if risk.severity == sightline_api::RiskSeverity::Red { "RED  " } else { "AMBER" };
        println!("{severity} {}", risk.headline);
        println!("      Why it matters: {}", risk.why);
        println!("      Ask: {}", risk.question);
        let mut status = format!("{}, first seen {}", risk.state.as_str(), &risk.first_seen[..10]);
        if let Some(ack) = &risk.acknowledged {
            status.push_str(&format!("; acknowledged {}: {}", &ack.at[..10], ack.note));
        }
        if let Some(action) = &risk.action {
            status.push_str(&format!("; action: {} by {}, {}", action.owner, action.due, action.status_text));
        }
        println!("      {status}  [{}]", risk.id);
        println!();
    }
}

/// Syncs (every source, one, or only the checks) and prints the outcome;
/// fails, after printing, when any source failed.
fn sync_and_report(app: &Sightline, query: SyncQuery, json: bool) -> anyhow::Result<()> {
    let quiet = json;
    let summary = app.sync(&query, move |event: SyncProgress| {
        if !quiet && matches!(event.phase.as_str(), "fetching" | "applying") {
            eprintln!("  {:<20} {:<9} {} records, {} pages", event.source, event.phase, event.records, event.pages);
        }
    })?;
    if json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_sync(&summary);
    }
    let failures: Vec<String> = summary
        .sources
        .iter()
        .filter(|source| !source.ok)
        .map(|source| format!("{}: {}", source.source, source.error.as_deref().unwrap_or("failed")))
        .collect();
    if !failures.is_empty() {
        anyhow::bail!(
            "{} of {} sources failed to sync:\n{}",
            failures.len(),
            summary.sources.len(),
            failures.join("\n")
        );
    }
    Ok(())
}

fn print_sync(summary: &SyncSummary) {
    for source in &summary.sources {
        if source.ok {
            let how = if source.full { "full read" } else { "changes only" };
            println!(
                "{:<20} ok      {} records ({how}: {}), {} requests",
                source.source, source.records, source.reason, source.requests
            );
        } else {
            println!("{:<20} FAILED  {}", source.source, source.error.as_deref().unwrap_or("failed"));
        }
        for warning in &source.warnings {
            println!("{:<20}         skipped: {warning}", "");
        }
    }
    for notice in &summary.notices {
        println!("Note: {notice}");
    }
}

fn print_check(report: &CheckReport) {
    println!("Cache:     {} ({} bytes, schema {})", report.cache_file, report.cache_bytes, report.schema_version);
    println!("Key:       {}", report.key_mode);
    let integrity = match report.integrity_ok {
        Some(true) => "ok (every page read)",
        Some(false) => "FAILED",
        None => "not read (`sightline-cli check --full` reads every page)",
    };
    println!("Integrity: {integrity}");
    println!("Company:   {}{}", report.company, if report.demo { " (demo data)" } else { "" });
    println!("Records:   {}", report.records);
    println!("Sources:");
    for source in &report.sources {
        let stale = if source.stale { "  STALE" } else { "" };
        println!("  {:<16} {:<34} last synced {}{}", source.id, source.name, source.age_text, stale);
    }
}
