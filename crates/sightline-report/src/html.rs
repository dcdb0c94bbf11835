//! The same report as one HTML page, the way a browser-based dashboard
//! would print it: used only to compare Sightline's PDF engine with headless
//! Chromium's `--print-to-pdf` in the report benchmark.

use crate::ReportSnapshot;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The snapshot as a self-contained HTML document (charts inline).
pub fn render_html(snapshot: &ReportSnapshot) -> String {
    let s = snapshot;
    let mut html = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\"><style>body{font-family:'Liberation Sans',sans-serif;\
         font-size:10pt;margin:2cm}h1{font-size:17pt;page-break-before:always}table{border-collapse:collapse;width:100%}\
         td,th{border-bottom:1px solid #d9e2ec;padding:4px;text-align:left;vertical-align:top}svg{width:100%;height:auto}\
         </style></head><body>",
    );
    html.push_str(&format!(
        "<section><p>BOARD REPORT</p><h2>{}</h2><p>How IT is delivering: {}</p><p>Prepared on {}</p><p>Confidential</p></section>",
        escape(&s.company),
        escape(&s.period_label),
        escape(&s.prepared_on)
    ));
    html.push_str(&format!("<h1>Executive summary</h1><p><b>{}</b></p>", escape(&s.headline)));
    for tile in &s.tiles {
        html.push_str(&format!(
            "<div><b>{}</b>: {} ({}; {}) {}</div>",
            escape(&tile.title),
            escape(&tile.figure),
            escape(&tile.target),
            escape(&tile.trend),
            escape(&tile.detail)
        ));
    }
    html.push_str("<h2>What the board is asked to decide</h2><ul>");
    for ask in &s.asks {
        html.push_str(&format!("<li>{}</li>", escape(ask)));
    }
    html.push_str("</ul><h1>The five most serious risks</h1><table>");
    for impact in [3, 2, 1] {
        html.push_str("<tr>");
        for likelihood in [1, 2, 3] {
            let here: Vec<String> = s
                .brief_risks
                .iter()
                .filter(|risk| risk.impact == impact && risk.likelihood == likelihood)
                .map(|risk| risk.number.to_string())
                .collect();
            html.push_str(&format!("<td style=\"height:1.5cm\">{}</td>", here.join(" ")));
        }
        html.push_str("</tr>");
    }
    html.push_str("</table>");
    for risk in &s.brief_risks {
        html.push_str(&format!(
            "<p><b>{}. {}</b><br>{} · {}, {} impact<br>Action: {}</p>",
            risk.number,
            escape(&risk.headline),
            escape(&risk.movement),
            escape(&risk.likelihood_text),
            escape(&risk.impact_text),
            escape(&risk.action)
        ));
    }
    html.push_str("<h2>Actions due</h2><table>");
    for action in &s.actions_due {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&action.headline),
            escape(&action.owner),
            escape(&action.due),
            escape(&action.status_text)
        ));
    }
    html.push_str("</table><h2>The five most serious risks in detail</h2><ol>");
    for risk in &s.top_risks {
        html.push_str(&format!("<li><b>{}</b><br>Ask: {}</li>", escape(&risk.headline), escape(&risk.question)));
    }
    html.push_str("</ol>");
    for (title, charts, facts) in [
        ("Service levels", &s.service_charts, &Vec::new()),
        ("Security hygiene", &s.security_charts, &s.security_facts),
        ("Resilience", &s.resilience_charts, &s.resilience_facts),
    ] {
        html.push_str(&format!("<h1>{title}</h1><ul>"));
        for fact in facts {
            html.push_str(&format!("<li>{}</li>", escape(fact)));
        }
        html.push_str("</ul>");
        for chart in charts {
            html.push_str(&format!(
                "<figure>{}<figcaption>{}</figcaption></figure>",
                chart.svg,
                escape(&chart.caption)
            ));
        }
    }
    html.push_str("<h1>Vendor scorecard</h1><table><tr><th>Rank</th><th>Provider</th>");
    for column in &s.scorecard_columns {
        html.push_str(&format!("<th>{}</th>", escape(column)));
    }
    html.push_str("</tr>");
    for row in &s.scorecard {
        html.push_str(&format!(
            "<tr><td>{}</td><td><b>{}</b><br>{}</td>",
            row.rank,
            escape(&row.vendor),
            escape(&row.summary)
        ));
        for cell in &row.cells {
            html.push_str(&format!("<td>{}<br><small>{}</small></td>", escape(&cell.value), escape(&cell.target)));
        }
        html.push_str("</tr>");
    }
    html.push_str("</table><h1>Appendix</h1><table>");
    for definition in &s.definitions {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td></tr>",
            escape(&definition.name),
            escape(&definition.meaning)
        ));
    }
    html.push_str("</table><table>");
    for row in &s.provenance {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&row.figure),
            escape(&row.vendor),
            escape(&row.value),
            escape(&row.sources),
            row.records,
            escape(&row.fetched_at)
        ));
    }
    html.push_str("</table><h2>Evidence on file</h2><table>");
    for document in &s.documents {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&document.vendor),
            escape(&document.kind),
            escape(&document.title),
            escape(&document.issued),
            escape(&document.standing)
        ));
    }
    html.push_str(&format!("</table><p>Fingerprint: {}</p></body></html>", s.fingerprint));
    html
}
