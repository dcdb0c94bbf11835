//! The chart SVGs: what each chart must show, read back from the SVG text, plus the example
//! charts written to `target/charts/` for a person to look at.

use std::path::PathBuf;

use sightline_report::charts::{
    Bar, Standing, TrendChart, TrendPoint, comparison_svg, format_value, sparkline_svg, trend_svg,
};

const MONTHS: [&str; 12] = [
    "Nov 25", "Dec 25", "Jan 26", "Feb 26", "Mar 26", "Apr 26", "May 26", "Jun 26", "Jul 26", "Aug 26", "Sep 26",
    "Oct 26",
];

/// The text of every `<text>` element, in document order.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text ")
        .skip(1)
        .filter_map(|rest| Some(rest.split_once('>')?.1.split_once("</text>")?.0.trim().to_string()))
        .collect()
}

/// Every `font-size` the document sets.
fn font_sizes(svg: &str) -> Vec<f64> {
    svg.split("font-size=\"").skip(1).filter_map(|rest| rest.split('"').next()?.parse().ok()).collect()
}

fn count(svg: &str, needle: &str) -> usize {
    svg.matches(needle).count()
}

/// The SVG is a single self-contained document whose text is all in Liberation Sans.
fn assert_well_formed(svg: &str) {
    assert!(svg.starts_with("<svg "), "{svg}");
    assert!(svg.trim_end().ends_with("</svg>"), "{svg}");
    assert_eq!(count(svg, "<svg"), 1);
    assert_eq!(count(svg, "<g "), count(svg, "</g>"));
    assert_eq!(count(svg, "<text "), count(svg, "</text>"));
    assert_eq!(count(svg, "font-family="), count(svg, "font-family=\"Liberation Sans\""));
    assert!(!svg.contains("href"), "no external references");
    assert_eq!(count(svg, "http"), 1, "only the namespace");
}

/// A trend point from the figure; the standing follows from the figure against the target.
fn point(label: &str, value: Option<f64>, target: Option<f64>) -> TrendPoint {
    let standing = match (value, target) {
        (Some(value), Some(target)) if value < target => Standing::Missed,
        (Some(value), Some(target)) if value < target + 1.0 => Standing::AtRisk,
        (Some(_), Some(_)) => Standing::Met,
        _ => Standing::NoTarget,
    };
    TrendPoint { label: label.to_string(), value, target, standing }
}

fn trend(title: &str, unit: &str, values: &[Option<f64>], target: Option<f64>) -> TrendChart {
    TrendChart {
        title: title.to_string(),
        unit: unit.to_string(),
        points: values.iter().zip(MONTHS).map(|(value, label)| point(label, *value, target)).collect(),
        higher_is_better: true,
        forecast: Vec::new(),
    }
}

/// Response-SLA compliance slipping from 97% to 78% against a 95% target.
fn slipping() -> TrendChart {
    let values = [97.2, 96.8, 97.5, 96.1, 95.6, 94.2, 95.3, 92.5, 90.1, 86.3, 82.0, 78.0];
    trend("Bluepeak IT Services: urgent tickets answered in time", "percent", &values.map(Some), Some(95.0))
}

fn vendors() -> Vec<Bar> {
    vec![
        Bar { label: "Bluepeak IT Services".into(), value: Some(78.0), target: Some(95.0), standing: Standing::Missed },
        Bar { label: "Northwind Managed IT".into(), value: Some(97.4), target: Some(95.0), standing: Standing::Met },
        Bar { label: "Harbour Cloud".into(), value: Some(90.6), target: Some(90.0), standing: Standing::AtRisk },
    ]
}

struct TrendExpect {
    texts: &'static [&'static str],
    missed_markers: usize,
    at_risk_markers: usize,
    /// Markers on the figures (all standings, forecast excluded).
    markers: usize,
    forecast_markers: usize,
    /// Solid line pieces of the figures: a gap splits the line.
    value_lines: usize,
}

fn check_trend(chart: &TrendChart, expect: TrendExpect) {
    let svg = trend_svg(chart, 800, 340);
    assert_well_formed(&svg);
    assert_eq!(texts(&svg), expect.texts, "texts of {}", chart.title);
    assert_eq!(count(&svg, "class=\"marker missed\""), expect.missed_markers, "missed markers");
    assert_eq!(count(&svg, "class=\"marker at-risk\""), expect.at_risk_markers, "at-risk markers");
    assert_eq!(count(&svg, "class=\"marker "), expect.markers + expect.forecast_markers, "all markers");
    assert_eq!(count(&svg, "class=\"marker forecast\""), expect.forecast_markers, "forecast markers");
    assert_eq!(count(&svg, "stroke=\"#0072B2\" stroke-width=\"3\""), expect.value_lines, "value lines");
    let smallest = font_sizes(&svg).into_iter().fold(f64::INFINITY, f64::min);
    assert!(smallest >= 15.0, "text smaller than 8 pt in print: {smallest}px");
    assert_eq!(svg, trend_svg(chart, 800, 340), "the same chart twice gives the same SVG");
}

#[test]
fn trend_charts() {
    check_trend(
        &slipping(),
        TrendExpect {
            texts: &[
                "Bluepeak IT Services: urgent tickets answered in time",
                "missed target",
                "at risk",
                "75%",
                "80%",
                "85%",
                "90%",
                "95%",
                "100%",
                "Nov",
                "2025",
                "Dec",
                "Jan",
                "2026",
                "Feb",
                "Mar",
                "Apr",
                "May",
                "Jun",
                "Jul",
                "Aug",
                "Sep",
                "Oct",
                "78.0%",
                "Target 95.0%",
            ],
            missed_markers: 6,
            at_risk_markers: 2,
            markers: 12,
            forecast_markers: 0,
            value_lines: 1,
        },
    );

    // Months without data are gaps, not zeros: the axis stays near the figures and the
    // line breaks; the lone September figure keeps its marker.
    let gaps = [
        Some(96.0),
        Some(97.0),
        None,
        Some(96.5),
        Some(95.5),
        None,
        None,
        Some(94.0),
        Some(93.0),
        None,
        Some(91.0),
        None,
    ];
    check_trend(
        &trend("Gaps", "percent", &gaps, Some(95.0)),
        TrendExpect {
            texts: &[
                "Gaps",
                "missed target",
                "at risk",
                "90%",
                "92%",
                "94%",
                "96%",
                "98%",
                "Nov",
                "2025",
                "Dec",
                "Jan",
                "2026",
                "Feb",
                "Mar",
                "Apr",
                "May",
                "Jun",
                "Jul",
                "Aug",
                "Sep",
                "Oct",
                "91.0%",
                "Target 95.0%",
            ],
            missed_markers: 3,
            at_risk_markers: 1,
            markers: 7,
            forecast_markers: 0,
            value_lines: 3,
        },
    );

    // A forecast continues the axis on a shaded band, dashed, labelled "Forecast"; the
    // latest actual figure keeps the value label.
    let mut forecast = trend("Forecast", "percent", &[90.0, 88.0, 86.0, 84.0, 82.0, 80.0, 78.0].map(Some), Some(95.0));
    forecast.forecast = [("Jun 26", 76.0), ("Jul 26", 74.0), ("Aug 26", 72.0)]
        .map(|(label, value)| point(label, Some(value), Some(95.0)))
        .to_vec();
    check_trend(
        &forecast,
        TrendExpect {
            texts: &[
                "Forecast",
                "missed target",
                "at risk",
                "Forecast",
                "60%",
                "70%",
                "80%",
                "90%",
                "100%",
                "Nov",
                "2025",
                "Dec",
                "Jan",
                "2026",
                "Feb",
                "Mar",
                "Apr",
                "May",
                "Jun",
                "Jul",
                "Aug",
                "78.0%",
                "Target 95.0%",
            ],
            missed_markers: 7,
            at_risk_markers: 0,
            markers: 7,
            forecast_markers: 3,
            value_lines: 1,
        },
    );

    // Minutes without misses: the axis starts at zero, reaches past the target, and there is
    // no legend for shapes that are not on the chart.
    let minutes = TrendChart {
        title: "Median time to answer".into(),
        unit: "minutes".into(),
        points: [22.0, 25.0, 19.0, 31.0]
            .iter()
            .zip(MONTHS)
            .map(|(value, label)| TrendPoint {
                label: label.into(),
                value: Some(*value),
                target: Some(60.0),
                standing: Standing::Met,
            })
            .collect(),
        higher_is_better: false,
        forecast: Vec::new(),
    };
    check_trend(
        &minutes,
        TrendExpect {
            texts: &[
                "Median time to answer",
                "0 min",
                "20 min",
                "40 min",
                "60 min",
                "80 min",
                "Nov 25",
                "Dec 25",
                "Jan 26",
                "Feb 26",
                "31 min",
                "Target 60 min",
            ],
            missed_markers: 0,
            at_risk_markers: 0,
            markers: 4,
            forecast_markers: 0,
            value_lines: 1,
        },
    );

    // Two years of months: every other label, counted back from the latest.
    let long = TrendChart {
        title: "Two years".into(),
        unit: "count".into(),
        points: (1..=24)
            .map(|month| TrendPoint {
                label: format!("M{month}"),
                value: Some(f64::from(month % 5)),
                target: None,
                standing: Standing::NoTarget,
            })
            .collect(),
        higher_is_better: false,
        forecast: Vec::new(),
    };
    check_trend(
        &long,
        TrendExpect {
            texts: &[
                "Two years",
                "0",
                "1",
                "2",
                "3",
                "4",
                "5",
                "M2",
                "M4",
                "M6",
                "M8",
                "M10",
                "M12",
                "M14",
                "M16",
                "M18",
                "M20",
                "M22",
                "M24",
                "4",
            ],
            missed_markers: 0,
            at_risk_markers: 0,
            markers: 24,
            forecast_markers: 0,
            value_lines: 1,
        },
    );

    check_trend(
        &trend("Nothing yet", "percent", &[], Some(95.0)),
        TrendExpect {
            texts: &["Nothing yet", "No data yet"],
            missed_markers: 0,
            at_risk_markers: 0,
            markers: 0,
            forecast_markers: 0,
            value_lines: 0,
        },
    );
}

#[test]
fn trend_keeps_a_far_target_on_the_axis() {
    let svg = trend_svg(&trend("Far target", "percent", &[52.0, 55.0, 58.0].map(Some), Some(99.0)), 800, 340);
    let texts = texts(&svg);
    assert!(texts.contains(&"100%".to_string()), "{texts:?}");
    assert!(texts.contains(&"Target 99.0%".to_string()), "{texts:?}");
}

/// Where the `<text>` showing `wanted` is anchored.
fn text_position(svg: &str, wanted: &str) -> (f64, f64) {
    let element = svg
        .split("<text ")
        .find(|rest| {
            rest.split_once('>').is_some_and(|(_, body)| body.trim_start().starts_with(&format!("{wanted}\n")))
        })
        .unwrap_or_else(|| panic!("no text {wanted:?}"));
    let attribute = |name: &str| -> f64 {
        element
            .split(&format!(" {name}=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next()?.parse().ok())
            .unwrap_or(f64::NAN)
    };
    (attribute("x"), attribute("y"))
}

#[test]
fn trend_labels_keep_clear_of_the_target() {
    // Few periods: the latest figure's label stays beside its point, lifted off the target line.
    let svg = trend_svg(&trend("Close", "percent", &[97.0, 96.0, 95.1].map(Some), Some(95.0)), 800, 340);
    let (_, latest) = text_position(&svg, "95.1%");
    let (_, target) = text_position(&svg, "Target 95.0%");
    assert!(target - latest >= 9.0, "the label sits on the target line: {latest} {target}");

    // Twelve periods: both labels share the right margin and move apart, the higher figure on top.
    let values = [97.2, 96.8, 97.5, 96.1, 95.6, 94.2, 95.3, 92.5, 90.1, 93.0, 94.0, 94.9];
    let svg = trend_svg(&trend("Close", "percent", &values.map(Some), Some(95.0)), 800, 340);
    let (_, latest) = text_position(&svg, "94.9%");
    let (_, target) = text_position(&svg, "Target 95.0%");
    assert!(latest - target >= 18.0, "labels overlap: {latest} {target}");
}

struct ComparisonExpect {
    texts: &'static [&'static str],
    met: usize,
    at_risk: usize,
    missed: usize,
}

fn check_comparison(title: &str, unit: &str, bars: &[Bar], expect: ComparisonExpect) {
    let height = 90 + 50 * bars.len() as u32;
    let svg = comparison_svg(title, unit, bars, 800, height);
    assert_well_formed(&svg);
    assert_eq!(texts(&svg), expect.texts, "texts of {title}");
    assert_eq!(count(&svg, "class=\"marker met\""), expect.met, "met markers");
    assert_eq!(count(&svg, "class=\"marker at-risk\""), expect.at_risk, "at-risk markers");
    assert_eq!(count(&svg, "class=\"marker missed\""), expect.missed, "missed markers");
    let smallest = font_sizes(&svg).into_iter().fold(f64::INFINITY, f64::min);
    assert!(smallest >= 15.0, "text smaller than 8 pt in print: {smallest}px");
    assert_eq!(svg, comparison_svg(title, unit, bars, 800, height), "the same chart twice gives the same SVG");
}

#[test]
fn comparison_charts() {
    check_comparison(
        "Urgent tickets answered in time, October 2026",
        "percent",
        &vendors(),
        ComparisonExpect {
            texts: &[
                "Urgent tickets answered in time, October 2026",
                "contract target",
                "Bluepeak IT Services",
                "78.0%",
                "missed",
                "· target 95.0%",
                "Northwind Managed IT",
                "97.4%",
                "met",
                "· target 95.0%",
                "Harbour Cloud",
                "90.6%",
                "at risk",
                "· target 90.0%",
            ],
            met: 1,
            at_risk: 1,
            missed: 1,
        },
    );

    let mut with_gaps = vendors();
    with_gaps.push(Bar {
        label: "Copperline Networks".into(),
        value: None,
        target: Some(95.0),
        standing: Standing::NoTarget,
    });
    with_gaps.push(Bar {
        label: "A vendor whose registered name is far too long to print in full".into(),
        value: Some(12.0),
        target: None,
        standing: Standing::NoTarget,
    });
    check_comparison(
        "Days",
        "days",
        &with_gaps,
        ComparisonExpect {
            texts: &[
                "Days",
                "contract target",
                "Bluepeak IT Services",
                "78 days",
                "missed",
                "· target 95 days",
                "Northwind Managed IT",
                "97 days",
                "met",
                "· target 95 days",
                "Harbour Cloud",
                "91 days",
                "at risk",
                "· target 90 days",
                "Copperline Networks",
                "no data",
                "A vendor whose registered na…",
                "12 days",
            ],
            met: 1,
            at_risk: 1,
            missed: 1,
        },
    );

    check_comparison(
        "Nobody",
        "percent",
        &[],
        ComparisonExpect { texts: &["Nobody", "No data yet"], met: 0, at_risk: 0, missed: 0 },
    );
}

struct SparklineExpect {
    lines: usize,
    target_lines: usize,
    dots: usize,
}

fn check_sparkline(values: &[Option<f64>], target: Option<f64>, expect: SparklineExpect) {
    let svg = sparkline_svg(values, target, 160, 40);
    assert_well_formed(&svg);
    assert!(!svg.contains("<text"), "a sparkline has no text: {svg}");
    assert_eq!(count(&svg, "stroke=\"#0072B2\""), expect.lines, "value lines in {svg}");
    assert_eq!(count(&svg, "stroke=\"#BDBDBD\""), expect.target_lines, "target lines in {svg}");
    assert_eq!(count(&svg, "<circle"), expect.dots, "dots in {svg}");
}

#[test]
fn sparklines() {
    let slipping = [97.2, 96.8, 97.5, 96.1, 95.6, 94.2, 95.3, 92.5, 90.1, 86.3, 82.0, 78.0].map(Some);
    check_sparkline(&slipping, Some(95.0), SparklineExpect { lines: 1, target_lines: 1, dots: 1 });
    check_sparkline(&slipping, None, SparklineExpect { lines: 1, target_lines: 0, dots: 1 });
    check_sparkline(
        &[Some(3.0), Some(4.0), None, Some(2.0), Some(5.0), None],
        Some(4.0),
        SparklineExpect { lines: 2, target_lines: 1, dots: 1 },
    );
    check_sparkline(&[None, None], Some(4.0), SparklineExpect { lines: 0, target_lines: 0, dots: 0 });
    check_sparkline(&[], None, SparklineExpect { lines: 0, target_lines: 0, dots: 0 });
}

#[test]
fn any_size_gives_a_document() {
    let mut with_forecast = slipping();
    with_forecast.forecast = vec![point("Nov 26", Some(75.0), Some(95.0))];
    for (width, height) in [(0, 0), (1, 1), (60, 20), (400, 170), (1600, 680)] {
        assert_well_formed(&trend_svg(&with_forecast, width, height));
        assert_well_formed(&comparison_svg("Tiny", "percent", &vendors(), width, height));
        assert_well_formed(&sparkline_svg(&[Some(1.0), None, Some(2.0)], Some(1.5), width, height));
    }
}

#[test]
fn format_values() {
    let check =
        |value: f64, unit: &str, expected: &str| assert_eq!(format_value(value, unit), expected, "{value} {unit}");
    check(97.5, "percent", "97.5%");
    check(78.0, "percent", "78.0%");
    check(99.95, "percent", "99.95%");
    check(42.0, "minutes", "42 min");
    check(42.5, "minutes", "43 min");
    check(3.25, "hours", "3.3 h");
    check(3.0, "hours", "3.0 h");
    check(12.0, "days", "12 days");
    check(1.0, "days", "1 day");
    check(3.5, "days", "4 days");
    check(-3.0, "days", "-3 days");
    check(-0.04, "days", "0 days");
    check(17.0, "count", "17");
    check(2.5, "count", "3");
    check(95.0, "minutes", "1 h 35 min");
    check(1740.4, "money", "1,740");
    check(f64::NAN, "percent", "no data");
}

/// Writes the example charts to `target/charts/` to look at (`rsvg-convert -w 1000
/// target/charts/trend.svg -o trend.png`).
#[test]
fn writes_example_charts() {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).parent().expect("the target folder").join("charts");
    std::fs::create_dir_all(&folder).expect("create target/charts");
    let mut with_forecast = trend(
        "Harbour Cloud: backups restored in the agreed time",
        "percent",
        &[Some(99.1), Some(98.7), None, Some(98.2), Some(97.4), Some(96.9), Some(96.0), Some(95.2), Some(94.8)],
        Some(95.0),
    );
    with_forecast.forecast = [("Aug 26", 94.1), ("Sep 26", 93.5), ("Oct 26", 92.8)]
        .map(|(label, value)| point(label, Some(value), Some(95.0)))
        .to_vec();
    let sparkline = [97.2, 96.8, 97.5, 96.1, 95.6, 94.2, 95.3, 92.5, 90.1, 86.3, 82.0, 78.0].map(Some);
    let mut four = vendors();
    four.push(Bar {
        label: "Copperline Networks".into(),
        value: None,
        target: Some(95.0),
        standing: Standing::NoTarget,
    });
    for (name, svg) in [
        ("trend.svg", trend_svg(&slipping(), 800, 340)),
        (
            "comparison.svg",
            comparison_svg("Urgent tickets answered in time, October 2026", "percent", &vendors(), 800, 240),
        ),
        ("sparkline.svg", sparkline_svg(&sparkline, Some(95.0), 160, 40)),
        ("trend-forecast.svg", trend_svg(&with_forecast, 800, 340)),
        (
            "comparison-no-data.svg",
            comparison_svg("Urgent tickets answered in time, October 2026", "percent", &four, 800, 290),
        ),
    ] {
        std::fs::write(folder.join(name), svg).expect("write an example chart");
    }
}
