//! `sightline-cli`: Sightline without a window, for servers and cron. The
//! same library as the desktop app; no Tauri, no GTK.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use sightline_api::{CheckReport, Clock, KpiQuery, KpiRow, MetricStatus, RiskRow, Sightline, default_data_dir};

/// Verify what your IT providers deliver: KPIs, risks and board reports from
/// an encrypted local cache.
#[derive(Debug, Parser)]
#[command(name = "sightline-cli", version, about, long_about = None)]
struct Cli {
    /// Where the encrypted cache lives [default: the OS data directory, e.g.
    /// ~/.local/share/sightline]
    #[arg(long, global = true, env = "SIGHTLINE_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create or rebuild the built-in demo company in the data directory
    Demo,
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
    /// Check that the cache opens and is intact, where it is, and how fresh each source is
    Check {
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let data_dir = cli.data_dir.unwrap_or_else(default_data_dir);
    let clock = Clock::from_env()?;
    let app = Sightline::open(&data_dir, clock)?;
    match cli.command {
        Command::Demo => {
            app.rebuild_demo().context("could not build the demo company")?;
            let report = app.check()?;
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
        Command::Check { json } => {
            let report = app.check()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_check(&report);
            }
            if !report.integrity_ok {
                anyhow::bail!("the cache failed its integrity check: {}", report.problems.join("; "));
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

fn figure(value: Option<f64>, unit: &str) -> String {
    match (value, unit) {
        (None, _) => "-".into(),
        (Some(value), "percent") => format!("{value:.1} %"),
        (Some(value), "count" | "days") => {
            format!("{value:.0} {}", if unit == "days" { "d" } else { "" }).trim_end().into()
        }
        (Some(value), "minutes") => format!("{value:.1} min"),
        (Some(value), "hours") => format!("{value:.1} h"),
        (Some(value), _) => format!("{value:.2}"),
    }
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
            figure(row.value, &row.unit),
            figure(row.target, &row.unit),
            status_word(row.status),
            figure(row.previous, &row.unit),
        );
    }
}

fn print_risks(risks: &[RiskRow]) {
    if risks.is_empty() {
        println!("No risks flagged.");
        return;
    }
    for risk in risks {
        let severity = if risk.severity == "red" { "RED  " } else { "AMBER" };
        println!("{severity} {}", risk.headline);
        println!("      Why it matters: {}", risk.why);
        println!("      Ask: {}", risk.question);
        let mut status = format!("{}, first seen {}", risk.state, &risk.first_seen[..10]);
        if let Some(ack) = &risk.acknowledged {
            status.push_str(&format!("; acknowledged {}: {}", &ack.at[..10], ack.note));
        }
        println!("      {status}  [{}]", risk.id);
        println!();
    }
}

fn print_check(report: &CheckReport) {
    println!("Cache:     {} ({} bytes, schema {})", report.cache_file, report.cache_bytes, report.schema_version);
    println!("Key:       {}", report.key_mode);
    println!("Integrity: {}", if report.integrity_ok { "ok" } else { "FAILED" });
    println!("Company:   {}{}", report.company, if report.demo { " (demo data)" } else { "" });
    println!("Records:   {}", report.records);
    println!("Sources:");
    for source in &report.sources {
        let stale = if source.stale { "  STALE" } else { "" };
        println!("  {:<16} {:<34} last synced {}{}", source.id, source.name, source.age_text, stale);
    }
}
