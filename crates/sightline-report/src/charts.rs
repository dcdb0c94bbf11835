//! Charts for the desktop screens and the board PDF, drawn as SVG documents with plotters.
//!
//! The charts are read on paper by people who did not build them, so every choice here
//! favours reading over decoration: one colour-blind-safe palette (Okabe–Ito), standings
//! shown by shape as well as colour, lines and figures labelled where they are (a legend only
//! for the shapes),
//! text at least 8 pt when the chart is printed 16 cm wide.
//!
//! plotters draws in pixel coordinates on an [`SVGBackend`]; the layout (scales, ticks,
//! label placement) is computed here so that it stays predictable. plotters cannot name
//! what it draws, so the point markers are written afterwards as SVG groups with a class
//! (`<g class="marker missed">`): the PDF ignores the class, the desktop can style it and
//! tests can count it. Text is always set in Liberation Sans, embedded and registered
//! once, because typst maps SVG text to its own embedded fonts by family name.

use std::fmt::Write as _;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};
use sightline_domain::fixed;

/// How a figure stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Met,
    AtRisk,
    Missed,
    NoTarget,
}

/// One period of a trend: its axis label ("Oct 26" or "Q3 26"), the figure, the target in force.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    pub label: String,
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub standing: Standing,
}

/// A metric over time against its contract target.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendChart {
    pub title: String,
    /// "percent", "minutes", "hours", "days" or "count".
    pub unit: String,
    pub points: Vec<TrendPoint>,
    pub higher_is_better: bool,
    /// Projected values after the last point, drawn dashed; their labels continue the axis.
    pub forecast: Vec<TrendPoint>,
}

/// One vendor's figure in a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The vendor's name.
    pub label: String,
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub standing: Standing,
}

/// The family every text element names; typst resolves it to the fonts embedded in the PDF.
const FAMILY: &str = "Liberation Sans";
const REGULAR: &[u8] = include_bytes!("../fonts/LiberationSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/LiberationSans-Bold.ttf");

/// plotters writes `font-size` as the size it is given divided by this.
const PLOTTERS_FONT_FACTOR: f64 = 1.24;
/// plotters measures text with ab_glyph at a scale of ascent minus descent (1.117 em for
/// Liberation Sans) while the SVG sets it at `size / 1.24` em: this turns one into the other.
const MEASURE_CORRECTION: f64 = 1.117 / PLOTTERS_FONT_FACTOR;

/// The chart sizes below are for a chart 800 px wide, placed 16 cm wide on A4: 1 px ≈ 0.2 mm,
/// so 16 px text prints at about 9 pt (8 pt is the least that reads comfortably).
const DESIGN_WIDTH: f64 = 800.0;
const TITLE_SIZE: f64 = 20.0;
const TEXT_SIZE: f64 = 16.0;

// Okabe–Ito, with greys for the scaffolding.
const VALUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const MET: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const AT_RISK: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
const MISSED: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const INK: RGBColor = RGBColor(0x1F, 0x1F, 0x1F);
const MUTED: RGBColor = RGBColor(0x5C, 0x5C, 0x5C);
const TARGET: RGBColor = RGBColor(0x6E, 0x6E, 0x6E);
const FAINT: RGBColor = RGBColor(0xBD, 0xBD, 0xBD);
const GRID: RGBColor = RGBColor(0xE6, 0xE6, 0xE6);
const FORECAST_BAND: RGBColor = RGBColor(0xF3, 0xF4, 0xF6);

static REGISTER_FONTS: Once = Once::new();

fn register_fonts() {
    REGISTER_FONTS.call_once(|| {
        // The bytes are embedded and known to parse (the tests draw text with both faces),
        // so a failure here cannot happen at run time.
        let regular = register_font(FAMILY, FontStyle::Normal, REGULAR).is_ok();
        let bold = register_font(FAMILY, FontStyle::Bold, BOLD).is_ok();
        debug_assert!(regular && bold, "the embedded Liberation Sans fonts did not load");
    });
}

/// A figure with its unit for labels, written as everywhere else
/// (`sightline_domain::value_text`): 97.5% / 42 min / 3.5 h / 12 days / 17.
pub fn format_value(value: f64, unit: &str) -> String {
    sightline_domain::value_text(Some(value), unit)
}

fn with_unit(number: String, unit: &str) -> String {
    match unit {
        "percent" => format!("{number}%"),
        "minutes" => format!("{number} min"),
        "hours" => format!("{number} h"),
        "days" if number == "1" => "1 day".into(),
        "days" => format!("{number} days"),
        "count" | "" => number,
        other => format!("{number} {other}"),
    }
}

fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|value| value.is_finite())
}

/// The drawing surface: plotters' SVG backend in pixels, plus the marker groups that are
/// appended after plotters has closed its elements.
struct Canvas<'a> {
    area: DrawingArea<SVGBackend<'a>, Shift>,
    width: f64,
    height: f64,
    /// Sizes are designed for an 800 px wide chart and scale with the width, so the chart
    /// prints the same at any resolution.
    scale: f64,
    overlay: String,
}

#[derive(Clone, Copy)]
struct Look {
    size: f64,
    bold: bool,
    colour: RGBColor,
    anchor: (HPos, VPos),
}

impl Look {
    fn new(size: f64, colour: RGBColor) -> Look {
        Look { size, bold: false, colour, anchor: (HPos::Left, VPos::Center) }
    }

    fn bold(self) -> Look {
        Look { bold: true, ..self }
    }

    fn anchor(self, horizontal: HPos, vertical: VPos) -> Look {
        Look { anchor: (horizontal, vertical), ..self }
    }
}

/// The shapes that tell standings apart without colour.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A filled circle: a plain value, or one that met its target.
    Dot,
    /// A filled triangle: at risk.
    Triangle,
    /// A hollow diamond: missed.
    Diamond,
    /// A hollow circle: a forecast.
    Ring,
}

fn shape_of(standing: Standing) -> Shape {
    match standing {
        Standing::Met | Standing::NoTarget => Shape::Dot,
        Standing::AtRisk => Shape::Triangle,
        Standing::Missed => Shape::Diamond,
    }
}

fn class_of(standing: Standing) -> &'static str {
    match standing {
        Standing::Met => "met",
        Standing::AtRisk => "at-risk",
        Standing::Missed => "missed",
        Standing::NoTarget => "no-target",
    }
}

fn hex(colour: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", colour.0, colour.1, colour.2)
}

fn pixel(point: (f64, f64)) -> (i32, i32) {
    (point.0.round() as i32, point.1.round() as i32)
}

/// The plotters size whose `size / 1.24` prints as `px` itself (16, not 16.000000000000004).
/// Some sizes (15 among them) cannot come out exact; the next tenth up that can is used.
fn plotters_size(px: f64) -> f64 {
    let px = (px * 10.0).round() / 10.0;
    for tenths in 0..10 {
        let wanted = (px * 10.0 + f64::from(tenths)) / 10.0;
        let guess = wanted * PLOTTERS_FONT_FACTOR;
        let (mut up, mut down) = (guess, guess);
        for _ in 0..8 {
            if up / PLOTTERS_FONT_FACTOR == wanted {
                return up;
            }
            if down / PLOTTERS_FONT_FACTOR == wanted {
                return down;
            }
            up = up.next_up();
            down = down.next_down();
        }
    }
    px * PLOTTERS_FONT_FACTOR
}

impl<'a> Canvas<'a> {
    fn new(buffer: &'a mut String, width: u32, height: u32) -> Canvas<'a> {
        let area = SVGBackend::with_string(buffer, (width, height)).into_drawing_area();
        // Drawing into a string cannot fail for shapes; text fails only for a font that was
        // never registered. The results are therefore dropped throughout.
        area.fill(&WHITE).ok();
        Canvas {
            area,
            width: f64::from(width),
            height: f64::from(height),
            scale: (f64::from(width) / DESIGN_WIDTH).max(0.25),
            overlay: String::new(),
        }
    }

    /// A length designed at 800 px wide, at this chart's width.
    fn px(&self, design: f64) -> f64 {
        design * self.scale
    }

    fn text_style(&self, look: Look) -> TextStyle<'static> {
        let style = if look.bold { FontStyle::Bold } else { FontStyle::Normal };
        let font: FontDesc<'static> = (FAMILY, plotters_size(look.size), style).into();
        TextStyle { font, color: look.colour.to_backend_color(), pos: Pos::new(look.anchor.0, look.anchor.1) }
    }

    fn text(&self, text: &str, at: (f64, f64), look: Look) {
        self.area.draw_text(text, &self.text_style(look), pixel(at)).ok();
    }

    /// The width `text` takes in the SVG.
    fn measure(&self, text: &str, look: Look) -> f64 {
        let (width, _) = self.area.estimate_text_size(text, &self.text_style(look)).unwrap_or((0, 0));
        f64::from(width) * MEASURE_CORRECTION
    }

    /// `text`, shortened with an ellipsis until it fits in `room`.
    fn fit(&self, text: &str, look: Look, room: f64) -> String {
        if self.measure(text, look) <= room {
            return text.to_string();
        }
        let mut chars: Vec<char> = text.chars().collect();
        while !chars.is_empty() {
            chars.pop();
            let shorter = format!("{}…", chars.iter().collect::<String>().trim_end());
            if self.measure(&shorter, look) <= room {
                return shorter;
            }
        }
        String::new()
    }

    fn line(&self, points: &[(f64, f64)], colour: RGBColor, width: f64) {
        let style = colour.stroke_width(width.round().max(1.0) as u32);
        self.area.draw(&PathElement::new(points.iter().copied().map(pixel).collect::<Vec<_>>(), style)).ok();
    }

    fn dashed(&self, points: &[(f64, f64)], colour: RGBColor, width: f64, dash: f64) {
        let style = colour.stroke_width(width.round().max(1.0) as u32);
        let pixels: Vec<(i32, i32)> = points.iter().copied().map(pixel).collect();
        let (dash, gap) = (dash.round().max(1.0) as i32, (dash * 0.6).round().max(1.0) as i32);
        self.area.draw(&DashedPathElement::new(pixels, dash, gap, style)).ok();
    }

    fn rect(&self, corner: (f64, f64), opposite: (f64, f64), colour: RGBColor) {
        let (x0, x1) = (corner.0.min(opposite.0), corner.0.max(opposite.0));
        let (y0, y1) = (corner.1.min(opposite.1), corner.1.max(opposite.1));
        self.area.draw(&Rectangle::new([pixel((x0, y0)), pixel((x1, y1))], colour.filled())).ok();
    }

    fn dot(&self, at: (f64, f64), radius: f64, colour: RGBColor) {
        self.area.draw(&Circle::new(pixel(at), radius.round().max(1.0) as u32, colour.filled())).ok();
    }

    /// A marker reaching about `radius` from its centre, in the overlay, in a group named `class`.
    fn marker(&mut self, class: &str, shape: Shape, fill: RGBColor, at: (f64, f64), radius: f64) {
        let (x, y) = at;
        let halo = self.px(1.5);
        let stroke = self.px(2.5);
        let _ = write!(self.overlay, "<g class=\"{class}\">");
        let _ = match shape {
            Shape::Dot => write!(
                self.overlay,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{radius:.1}\" fill=\"{}\" stroke=\"#FFFFFF\" stroke-width=\"{halo:.1}\"/>",
                hex(fill)
            ),
            Shape::Ring => write!(
                self.overlay,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{:.1}\" fill=\"#FFFFFF\" stroke=\"{}\" stroke-width=\"{:.1}\"/>",
                radius * 0.9,
                hex(fill),
                self.px(2.0)
            ),
            Shape::Triangle => {
                // An equilateral triangle around the point, a little larger than a dot so the
                // shapes look the same size.
                let r = radius * 1.6;
                let (top, left, right) = ((x, y - r), (x - r * 0.866, y + r * 0.5), (x + r * 0.866, y + r * 0.5));
                write!(
                    self.overlay,
                    "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"{}\" stroke=\"#FFFFFF\" stroke-width=\"{halo:.1}\" stroke-linejoin=\"round\"/>",
                    top.0,
                    top.1,
                    right.0,
                    right.1,
                    left.0,
                    left.1,
                    hex(fill)
                )
            }
            Shape::Diamond => {
                let r = radius * 1.3;
                write!(
                    self.overlay,
                    "<polygon points=\"{x:.1},{:.1} {:.1},{y:.1} {x:.1},{:.1} {:.1},{y:.1}\" fill=\"#FFFFFF\" stroke=\"{}\" stroke-width=\"{stroke:.1}\" stroke-linejoin=\"miter\"/>",
                    y - r,
                    x + r,
                    y + r,
                    x - r,
                    hex(fill)
                )
            }
        };
        self.overlay.push_str("</g>\n");
    }

    /// Closes the document and puts the markers on top of everything plotters drew.
    fn finish(self) -> String {
        let Canvas { area, overlay, .. } = self;
        area.present().ok();
        drop(area);
        overlay
    }
}

fn with_overlay(mut svg: String, overlay: &str) -> String {
    if let Some(end) = svg.rfind("</svg>") {
        svg.insert_str(end, overlay);
    }
    svg
}

/// Runs `draw` on a fresh canvas and returns the finished SVG document.
fn render(width: u32, height: u32, draw: impl FnOnce(&mut Canvas<'_>)) -> String {
    let mut svg = String::new();
    let overlay = {
        let mut canvas = Canvas::new(&mut svg, width.max(1), height.max(1));
        draw(&mut canvas);
        canvas.finish()
    };
    with_overlay(svg, &overlay)
}

/// The value axis: its ends and the step between ticks, "nice" numbers (1, 2 or 5 × 10ⁿ).
#[derive(Clone, Copy)]
struct Axis {
    low: f64,
    high: f64,
    step: f64,
}

impl Axis {
    fn ticks(self) -> Vec<f64> {
        let count = ((self.high - self.low) / self.step).round() as usize;
        (0..=count).map(|index| self.low + index as f64 * self.step).collect()
    }

    fn decimals(self) -> usize {
        if self.step >= 1.0 { 0 } else { (-self.step.log10().floor()) as usize }
    }
}

fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let fraction = raw / power;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// A value axis that holds every figure and target with some room: percentages get a range
/// tight around the data (inside 0..100), other units start at zero so lengths stay honest.
fn value_axis(figures: &[f64], unit: &str) -> Axis {
    let low = figures.iter().copied().fold(f64::INFINITY, f64::min);
    let high = figures.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (mut from, mut to) = if unit == "percent" || low < 0.0 {
        let padding = (high - low).max(2.0) * 0.15;
        (low - padding, high + padding)
    } else {
        (0.0, if high > 0.0 { high * 1.12 } else { 1.0 })
    };
    if unit == "percent" {
        if low >= 0.0 {
            from = from.max(0.0);
        }
        if high <= 100.0 {
            to = to.min(100.0);
        }
    }
    let mut step = nice_step((to - from) / 5.0);
    if matches!(unit, "minutes" | "count") {
        step = step.max(1.0);
    }
    let low = (from / step).floor() * step;
    let mut high = (to / step).ceil() * step;
    if high <= low {
        high = low + step;
    }
    Axis { low, high, step }
}

fn axis_label(value: f64, unit: &str, decimals: usize) -> String {
    with_unit(fixed(value, decimals), unit)
}

/// A label's box, to keep labels off each other and off the line.
#[derive(Clone, Copy)]
struct Area {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

impl Area {
    fn around(left: f64, centre_y: f64, width: f64, height: f64) -> Area {
        Area { left, top: centre_y - height / 2.0, right: left + width, bottom: centre_y + height / 2.0 }
    }

    fn overlaps(self, other: Area) -> bool {
        self.left < other.right && other.left < self.right && self.top < other.bottom && other.top < self.bottom
    }

    /// Whether the segment from `a` to `b` passes through this box.
    fn crossed_by(self, a: (f64, f64), b: (f64, f64)) -> bool {
        let steps = ((b.0 - a.0).hypot(b.1 - a.1) / 2.0).ceil().max(1.0) as usize;
        (0..=steps).any(|step| {
            let t = step as f64 / steps as f64;
            let (x, y) = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
            x >= self.left && x <= self.right && y >= self.top && y <= self.bottom
        })
    }
}

/// The metric over time: a line with a marker per period, the target as a dashed step line,
/// missed and at-risk periods marked by shape, the latest figure labelled at its point and
/// any forecast dashed on a shaded band.
pub fn trend_svg(chart: &TrendChart, width: u32, height: u32) -> String {
    register_fonts();
    render(width, height, |canvas| draw_trend(canvas, chart))
}

fn draw_trend(canvas: &mut Canvas<'_>, chart: &TrendChart) {
    let pad = canvas.px(12.0);
    let title_look = Look::new(canvas.px(TITLE_SIZE), INK).bold().anchor(HPos::Left, VPos::Top);
    let title = canvas.fit(&chart.title, title_look, canvas.width - 2.0 * pad);
    canvas.text(&title, (pad, pad), title_look);

    let unit = chart.unit.as_str();
    let actual = chart.points.len();
    let periods: Vec<&TrendPoint> = chart.points.iter().chain(&chart.forecast).collect();
    let values: Vec<Option<f64>> = periods.iter().map(|point| finite(point.value)).collect();
    let targets: Vec<Option<f64>> = periods.iter().map(|point| finite(point.target)).collect();
    let text = Look::new(canvas.px(TEXT_SIZE), MUTED);
    let figures: Vec<f64> = values.iter().chain(&targets).flatten().copied().collect();
    if values.iter().all(Option::is_none) {
        let message = if periods.is_empty() { "No data yet" } else { "No data for these periods" };
        canvas.text(message, (canvas.width / 2.0, canvas.height / 2.0), text.anchor(HPos::Center, VPos::Center));
        return;
    }

    // The legend explains the shapes; the lines are labelled where they end.
    let legend_y = pad + canvas.px(38.0);
    let mut legend_end = pad;
    if chart.points.iter().any(|point| matches!(point.standing, Standing::Missed | Standing::AtRisk)) {
        for (standing, words) in [(Standing::Missed, "missed target"), (Standing::AtRisk, "at risk")] {
            let radius = canvas.px(5.5);
            canvas.marker(
                &format!("legend {}", class_of(standing)),
                shape_of(standing),
                colour_of(standing),
                (legend_end + radius + canvas.px(2.0), legend_y),
                radius,
            );
            let words_x = legend_end + 2.0 * radius + canvas.px(10.0);
            canvas.text(words, (words_x, legend_y), text);
            legend_end = words_x + canvas.measure(words, text) + canvas.px(22.0);
        }
    }

    let axis = value_axis(&figures, unit);
    let ticks = axis.ticks();
    let tick_labels: Vec<String> = ticks.iter().map(|tick| axis_label(*tick, unit, axis.decimals())).collect();
    let tick_width = tick_labels.iter().map(|label| canvas.measure(label, text)).fold(0.0, f64::max);

    let latest = (0..actual).rev().find(|index| values[*index].is_some());
    let value_look = Look::new(canvas.px(TEXT_SIZE + 1.0), VALUE).bold();
    let latest_label = latest.and_then(|index| values[index]).map(|value| format_value(value, unit));
    let target_look = Look::new(canvas.px(TEXT_SIZE), TARGET);
    // The label names the target where its line ends.
    let last_target = targets.iter().rev().flatten().next().copied();
    let target_label = last_target.map(|target| format!("Target {}", format_value(target, unit)));
    let right_room = [
        target_label.as_deref().map(|label| canvas.measure(label, target_look)),
        latest_label.as_deref().map(|label| canvas.measure(label, value_look)),
    ]
    .into_iter()
    .flatten()
    .fold(0.0, f64::max);

    let left = pad + tick_width + canvas.px(10.0);
    let right = canvas.width - pad - right_room - canvas.px(12.0);
    let top = legend_y + canvas.px(26.0);
    let slot = (right - left) / periods.len() as f64;
    let period_labels = PeriodLabels::plan(canvas, &periods, slot, text);
    let bottom = canvas.height - pad - period_labels.lines as f64 * canvas.px(TEXT_SIZE + 3.0) - canvas.px(7.0);
    let x_of = |index: usize| left + (index as f64 + 0.5) * slot;
    let y_of = |value: f64| bottom - (value - axis.low) / (axis.high - axis.low) * (bottom - top);

    if !chart.forecast.is_empty() {
        let band_left = left + actual as f64 * slot;
        canvas.rect((band_left, top - canvas.px(8.0)), (right, bottom), FORECAST_BAND);
        let forecast_look = text.anchor(HPos::Left, VPos::Center);
        let label_x = band_left + canvas.px(6.0);
        let label_y = if label_x > legend_end { legend_y } else { top + canvas.px(4.0) };
        canvas.text("Forecast", (label_x, label_y), forecast_look);
    }

    for (tick, label) in ticks.iter().zip(&tick_labels) {
        let y = y_of(*tick);
        let colour = if tick == &ticks[0] { FAINT } else { GRID };
        canvas.line(&[(left, y), (right, y)], colour, canvas.px(1.0));
        canvas.text(label, (left - canvas.px(8.0), y), text.anchor(HPos::Right, VPos::Center));
    }

    let anchor = latest.unwrap_or(actual.saturating_sub(1));
    period_labels.draw(canvas, &periods, anchor, |index| (x_of(index), bottom + canvas.px(8.0)), text);

    // The target as a step line: flat across each period, stepping where the target changes.
    let mut target_runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut previous_target = None;
    for (index, target) in targets.iter().enumerate() {
        if let Some(target) = target {
            let (from, to, y) = (left + index as f64 * slot, left + (index + 1) as f64 * slot, y_of(*target));
            if previous_target.is_none() {
                target_runs.push(Vec::new());
            }
            if let Some(run) = target_runs.last_mut() {
                run.push((from, y));
                run.push((to, y));
            }
        }
        previous_target = *target;
    }
    for run in &target_runs {
        canvas.dashed(run, TARGET, canvas.px(2.0), canvas.px(9.0));
    }

    // The figures: one line per run of periods with data, so a missing month is a gap.
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut in_run = false;
    for (index, value) in values[..actual].iter().enumerate() {
        match value {
            Some(value) => {
                if !in_run {
                    runs.push(Vec::new());
                }
                if let Some(run) = runs.last_mut() {
                    run.push((x_of(index), y_of(*value)));
                }
                in_run = true;
            }
            None => in_run = false,
        }
    }
    for run in runs.iter().filter(|run| run.len() > 1) {
        canvas.line(run, VALUE, canvas.px(3.0));
    }

    // The forecast continues from the latest figure, dashed.
    let mut forecast_runs: Vec<Vec<(f64, f64)>> =
        vec![latest.iter().map(|index| (x_of(*index), y_of(values[*index].unwrap_or_default()))).collect()];
    for (index, value) in values.iter().enumerate().skip(actual) {
        match value {
            Some(value) => forecast_runs.last_mut().into_iter().for_each(|run| run.push((x_of(index), y_of(*value)))),
            None => forecast_runs.push(Vec::new()),
        }
    }
    for run in forecast_runs.iter().filter(|run| run.len() > 1) {
        canvas.dashed(run, VALUE, canvas.px(2.0), canvas.px(7.0));
    }

    // Labels at the right end: the target where its line ends, the latest figure beside its
    // point; when they would collide they move apart.
    let label_height = canvas.px(18.0);
    let mut target_area = last_target.zip(target_label.as_deref()).map(|(target, label)| {
        Area::around(right + canvas.px(8.0), y_of(target), canvas.measure(label, target_look), label_height)
    });
    if let (Some(index), Some(label)) = (latest, latest_label.as_deref()) {
        let point = (x_of(index), y_of(values[index].unwrap_or_default()));
        let label_width = canvas.measure(label, value_look);
        let gap = canvas.px(13.0);
        // Beside the point first, then nudged up or down off a line that runs through it
        // (towards the side away from the target), then above or below the point.
        let latest_value = values[index].unwrap_or_default();
        let upwards = last_target.is_none_or(|target| latest_value >= target);
        let centred = |y: f64| Area::around(point.0 - label_width / 2.0, y, label_width, label_height);
        let beside = Area::around(point.0 + gap, point.1, label_width, label_height);
        let away = if upwards { -1.0 } else { 1.0 };
        let lift = label_height * 0.6 * away;
        let candidates = [
            beside,
            Area::around(point.0 + gap, point.1 + lift, label_width, label_height),
            Area::around(point.0 + gap, point.1 - lift, label_width, label_height),
            centred(point.1 + away * (gap + label_height / 2.0)),
            centred(point.1 - away * (gap + label_height / 2.0)),
        ];
        let segments: Vec<((f64, f64), (f64, f64))> = runs
            .iter()
            .chain(&forecast_runs)
            .chain(&target_runs)
            .flat_map(|run| run.windows(2).map(|pair| (pair[0], pair[1])))
            .collect();
        let clear = |area: &Area| {
            area.top >= 0.0
                && area.bottom <= canvas.height
                && area.right <= canvas.width
                && !segments.iter().any(|(a, b)| area.crossed_by(*a, *b))
                && !target_area.is_some_and(|target| area.overlaps(target))
        };
        let mut chosen = candidates.iter().find(|area| clear(area)).copied().unwrap_or(beside);
        if let Some(target) = target_area.as_mut()
            && chosen.overlaps(*target)
        {
            // Push both apart around their middle, the higher figure staying on top.
            let overlap = (chosen.bottom.min(target.bottom) - chosen.top.max(target.top)) + canvas.px(2.0);
            let label_above = (chosen.top + chosen.bottom) <= (target.top + target.bottom);
            let shift = overlap / 2.0;
            let (up, down) = if label_above { (&mut chosen, target) } else { (target, &mut chosen) };
            up.top -= shift;
            up.bottom -= shift;
            down.top += shift;
            down.bottom += shift;
        }
        canvas.text(label, (chosen.left, (chosen.top + chosen.bottom) / 2.0), value_look);
    }
    if let (Some(area), Some(label)) = (target_area, target_label.as_deref()) {
        canvas.text(label, (area.left, (area.top + area.bottom) / 2.0), target_look);
    }

    // Markers last, on top of the lines.
    let radius = canvas.px(5.5);
    for (index, point) in chart.points.iter().enumerate() {
        if let Some(value) = values[index] {
            let standing = point.standing;
            canvas.marker(
                &format!("marker {}", class_of(standing)),
                shape_of(standing),
                marker_colour(standing),
                (x_of(index), y_of(value)),
                radius,
            );
        }
    }
    for (index, value) in values.iter().enumerate().skip(actual) {
        if let Some(value) = value {
            canvas.marker("marker forecast", Shape::Ring, VALUE, (x_of(index), y_of(*value)), radius);
        }
    }
}

/// How the period labels fit under the axis. Every period gets a label when they fit with
/// room between them; otherwise "Oct 26" becomes "Oct" over "2026", the year written only
/// where it changes; and if even that crowds, every n-th period is labelled, counted back
/// from the latest actual period so that it always is.
struct PeriodLabels {
    every: usize,
    /// 1, or 2 when the years go on a line of their own.
    lines: usize,
}

impl PeriodLabels {
    fn plan(canvas: &Canvas<'_>, periods: &[&TrendPoint], slot: f64, look: Look) -> PeriodLabels {
        let room = canvas.px(12.0);
        let widest =
            |texts: &mut dyn Iterator<Item = &str>| texts.map(|text| canvas.measure(text, look)).fold(0.0, f64::max);
        let every_for = |width: f64| periods.len().div_ceil(12).max(((width + room) / slot).ceil().max(1.0) as usize);
        let whole = every_for(widest(&mut periods.iter().map(|point| point.label.as_str())));
        let split: Option<Vec<(&str, &str)>> = periods.iter().map(|point| point.label.rsplit_once(' ')).collect();
        match split {
            Some(split) if !split.is_empty() => {
                let parts = every_for(widest(&mut split.iter().map(|(head, _)| *head)));
                if parts < whole {
                    PeriodLabels { every: parts, lines: 2 }
                } else {
                    PeriodLabels { every: whole, lines: 1 }
                }
            }
            _ => PeriodLabels { every: whole, lines: 1 },
        }
    }

    fn draw(
        &self,
        canvas: &Canvas<'_>,
        periods: &[&TrendPoint],
        anchor: usize,
        at: impl Fn(usize) -> (f64, f64),
        look: Look,
    ) {
        let look = look.anchor(HPos::Center, VPos::Top);
        let mut last_year = None;
        for (index, point) in periods.iter().enumerate() {
            if index.abs_diff(anchor) % self.every != 0 {
                continue;
            }
            let (x, y) = at(index);
            match point.label.rsplit_once(' ').filter(|_| self.lines == 2) {
                Some((head, year)) => {
                    canvas.text(head, (x, y), look);
                    if last_year != Some(year) {
                        canvas.text(&long_year(year), (x, y + canvas.px(TEXT_SIZE + 3.0)), look);
                    }
                    last_year = Some(year);
                }
                None => canvas.text(&point.label, (x, y), look),
            }
        }
    }
}

/// "26" → "2026": a two-digit year alone under a month reads like a day.
fn long_year(year: &str) -> String {
    if year.len() == 2 && year.bytes().all(|byte| byte.is_ascii_digit()) {
        format!("20{year}")
    } else {
        year.to_string()
    }
}

/// The colour a standing is drawn in; figures without a target keep the value colour.
fn colour_of(standing: Standing) -> RGBColor {
    match standing {
        Standing::Met => MET,
        Standing::AtRisk => AT_RISK,
        Standing::Missed => MISSED,
        Standing::NoTarget => VALUE,
    }
}

/// On the trend line, met periods stay in the line's colour: only the exceptions stand out.
fn marker_colour(standing: Standing) -> RGBColor {
    match standing {
        Standing::Met | Standing::NoTarget => VALUE,
        other => colour_of(other),
    }
}

fn standing_words(standing: Standing) -> Option<&'static str> {
    match standing {
        Standing::Met => Some("met"),
        Standing::AtRisk => Some("at risk"),
        Standing::Missed => Some("missed"),
        Standing::NoTarget => None,
    }
}

/// Vendors side by side: a horizontal bar each, the figure and its standing (colour, shape
/// and word) at the end of the bar, the vendor's own target as a tick across it.
pub fn comparison_svg(title: &str, unit: &str, bars: &[Bar], width: u32, height: u32) -> String {
    register_fonts();
    render(width, height, |canvas| draw_comparison(canvas, title, unit, bars))
}

fn draw_comparison(canvas: &mut Canvas<'_>, title: &str, unit: &str, bars: &[Bar]) {
    let pad = canvas.px(12.0);
    let title_look = Look::new(canvas.px(TITLE_SIZE), INK).bold().anchor(HPos::Left, VPos::Top);
    let title = canvas.fit(title, title_look, canvas.width - 2.0 * pad);
    canvas.text(&title, (pad, pad), title_look);
    let text = Look::new(canvas.px(TEXT_SIZE), MUTED);
    if bars.is_empty() {
        canvas.text("No data yet", (canvas.width / 2.0, canvas.height / 2.0), text.anchor(HPos::Center, VPos::Center));
        return;
    }

    let legend_y = pad + canvas.px(38.0);
    let tick_width = canvas.px(3.0);
    let has_target = bars.iter().any(|bar| finite(bar.target).is_some());
    if has_target {
        let half = canvas.px(8.0);
        canvas.rect((pad, legend_y - half), (pad + tick_width, legend_y + half), INK);
        canvas.text("contract target", (pad + tick_width + canvas.px(8.0), legend_y), text);
    }
    let top = if has_target { legend_y + canvas.px(16.0) } else { pad + canvas.px(34.0) };
    let bottom = canvas.height - pad;
    let row = (bottom - top) / bars.len() as f64;
    let thickness = (row * 0.56).min(canvas.px(28.0));

    let name_look = Look::new(canvas.px(TEXT_SIZE), INK).anchor(HPos::Right, VPos::Center);
    let names: Vec<String> = bars.iter().map(|bar| canvas.fit(&bar.label, name_look, canvas.width * 0.3)).collect();
    let name_width = names.iter().map(|name| canvas.measure(name, name_look)).fold(0.0, f64::max);
    let bars_left = pad + name_width + canvas.px(12.0);

    // What follows each bar: "78.0%", a shape and "missed", then the target in grey.
    let value_look = Look::new(canvas.px(TEXT_SIZE), INK).bold();
    // A marker sits in this much room after the figure, words after it.
    let marker_room = canvas.px(22.0);
    let gap = canvas.px(8.0);
    let texts: Vec<(String, Option<&str>, Option<String>)> = bars
        .iter()
        .map(|bar| match finite(bar.value) {
            Some(value) => (
                sightline_domain::value_beside(Some(value), bar.target, unit),
                standing_words(bar.standing),
                finite(bar.target).map(|target| format!("· target {}", format_value(target, unit))),
            ),
            None => ("no data".to_string(), None, None),
        })
        .collect();
    let text_width = texts
        .iter()
        .map(|(value, words, target)| {
            canvas.measure(value, value_look)
                + words.map_or(0.0, |words| gap + marker_room + canvas.measure(words, text))
                + target.as_deref().map_or(0.0, |target| gap + canvas.measure(target, text))
        })
        .fold(0.0, f64::max);

    let figures: Vec<f64> = bars.iter().flat_map(|bar| [finite(bar.value), finite(bar.target)]).flatten().collect();
    let low = figures.iter().copied().fold(0.0, f64::min);
    let mut high = figures.iter().copied().fold(0.0, f64::max);
    if unit == "percent" && high <= 100.0 {
        // Percentages read against the whole: a full bar is 100 %.
        high = 100.0;
    }
    if high <= low {
        high = low + 1.0;
    }
    let bars_right = (canvas.width - pad - text_width - gap).max(bars_left + canvas.px(40.0));
    let x_of = |value: f64| bars_left + (value - low) / (high - low) * (bars_right - bars_left);
    let zero = x_of(0.0);

    for (index, (bar, name)) in bars.iter().zip(&names).enumerate() {
        let centre = top + (index as f64 + 0.5) * row;
        canvas.text(name, (bars_left - canvas.px(12.0), centre), name_look);
        let half = thickness / 2.0;
        let mut text_x = zero + gap;
        if let Some(value) = finite(bar.value) {
            let end = x_of(value);
            canvas.rect((zero, centre - half), (end, centre + half), colour_of(bar.standing));
            text_x = text_x.max(end + gap);
        }
        if let Some(target) = finite(bar.target) {
            let x = x_of(target);
            let reach = half + canvas.px(5.0);
            canvas.rect((x - tick_width / 2.0, centre - reach), (x + tick_width / 2.0, centre + reach), INK);
            if finite(bar.value).is_some() {
                text_x = text_x.max(x + tick_width / 2.0 + gap);
            }
        }
        let (value_text, words, target_text) = &texts[index];
        if finite(bar.value).is_none() {
            canvas.text(value_text, (text_x, centre), text);
            continue;
        }
        canvas.text(value_text, (text_x, centre), value_look);
        let mut x = text_x + canvas.measure(value_text, value_look) + gap;
        if let Some(words) = words {
            let radius = canvas.px(5.5);
            canvas.marker(
                &format!("marker {}", class_of(bar.standing)),
                shape_of(bar.standing),
                colour_of(bar.standing),
                (x + canvas.px(9.0), centre),
                radius,
            );
            x += marker_room;
            canvas.text(words, (x, centre), text);
            x += canvas.measure(words, text) + gap;
        }
        if let Some(target_text) = target_text {
            canvas.text(target_text, (x - gap / 2.0, centre), text);
        }
    }
    canvas.line(&[(zero, top), (zero, bottom)], FAINT, canvas.px(1.0));
}

/// A small line for tables (160×40): no axes and no text, a faint target line if given,
/// the latest figure as a dot.
pub fn sparkline_svg(values: &[Option<f64>], target: Option<f64>, width: u32, height: u32) -> String {
    render(width, height, |canvas| draw_sparkline(canvas, values, target))
}

fn draw_sparkline(canvas: &mut Canvas<'_>, values: &[Option<f64>], target: Option<f64>) {
    let values: Vec<Option<f64>> = values.iter().map(|value| finite(*value)).collect();
    let target = finite(target);
    let figures: Vec<f64> = values.iter().flatten().copied().chain(target).collect();
    if values.iter().all(Option::is_none) {
        return;
    }
    // Sized by the height: a sparkline is as tall as a table row.
    let unit = (canvas.height / 40.0).max(0.25);
    let pad = 4.0 * unit;
    let low = figures.iter().copied().fold(f64::INFINITY, f64::min);
    let high = figures.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let spread = if high > low { high - low } else { 1.0 };
    let (low, high) = (low - spread * 0.1, high + spread * 0.1);
    let x_of = |index: usize| {
        if values.len() == 1 {
            canvas.width / 2.0
        } else {
            pad + index as f64 * (canvas.width - 2.0 * pad) / (values.len() - 1) as f64
        }
    };
    let y_of = |value: f64| canvas.height - pad - (value - low) / (high - low) * (canvas.height - 2.0 * pad);
    if let Some(target) = target {
        canvas.line(&[(0.0, y_of(target)), (canvas.width, y_of(target))], FAINT, unit);
    }
    let mut run: Vec<(f64, f64)> = Vec::new();
    for (index, value) in values.iter().enumerate() {
        match value {
            Some(value) => run.push((x_of(index), y_of(*value))),
            None => {
                if run.len() > 1 {
                    canvas.line(&run, VALUE, 2.0 * unit);
                }
                run.clear();
            }
        }
    }
    if run.len() > 1 {
        canvas.line(&run, VALUE, 2.0 * unit);
    }
    if let Some(index) = values.iter().rposition(Option::is_some) {
        let point = (x_of(index), y_of(values[index].unwrap_or_default()));
        canvas.dot(point, 3.5 * unit, VALUE);
    }
}
