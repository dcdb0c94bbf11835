//! The board PDF: typst, as a library, lays out `report.typ` over the
//! snapshot (as JSON, so no figure or name can inject markup) and the SVG
//! charts, with the fonts embedded in this binary and a fixed date, so the
//! same snapshot always gives the same pages.

use std::collections::HashMap;

use serde::Serialize;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::layout::PagedDocument;
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::ReportSnapshot;

const TEMPLATE: &str = include_str!("report.typ");
const FONTS: &[&[u8]] = &[
    include_bytes!("../fonts/LiberationSans-Regular.ttf"),
    include_bytes!("../fonts/LiberationSans-Bold.ttf"),
    include_bytes!("../fonts/LiberationSans-Italic.ttf"),
];

/// Paper size of the board report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Paper {
    #[default]
    A4,
    UsLetter,
}

impl Paper {
    fn typst_name(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::UsLetter => "us-letter",
        }
    }

    pub fn as_str(self) -> &'static str {
        self.typst_name()
    }

    pub fn parse(text: &str) -> Option<Paper> {
        match text.to_ascii_lowercase().replace(['_', ' '], "-").as_str() {
            "a4" => Some(Paper::A4),
            "letter" | "us-letter" => Some(Paper::UsLetter),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("the report could not be laid out: {0}")]
    Layout(String),
    #[error("the report could not be written as PDF: {0}")]
    Pdf(String),
}

#[derive(Serialize)]
struct TemplateData<'a> {
    paper: &'static str,
    snapshot: &'a ReportSnapshot,
}

struct ReportWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

fn file_id(path: &str) -> FileId {
    FileId::new(None, VirtualPath::new(path))
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.get(&id).cloned().ok_or_else(|| FileError::NotFound(id.vpath().as_rootless_path().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// A laid-out report.
#[derive(Debug, Clone)]
pub struct RenderedPdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// Lays out the report for `snapshot` and returns the PDF.
/// `today` is the report's date (never the clock).
pub fn render_pdf(
    snapshot: &ReportSnapshot,
    paper: Paper,
    today: chrono::NaiveDate,
) -> Result<RenderedPdf, ReportError> {
    use chrono::Datelike;
    let fonts: Vec<Font> = FONTS.iter().flat_map(|bytes| Font::iter(Bytes::new(bytes.to_vec()))).collect();
    let book = FontBook::from_fonts(&fonts);
    let data = serde_json::to_vec(&TemplateData { paper: paper.typst_name(), snapshot })
        .map_err(|error| ReportError::Layout(error.to_string()))?;
    let mut files = HashMap::new();
    files.insert(file_id("data.json"), Bytes::new(data));
    for chart in snapshot.service_charts.iter().chain(&snapshot.security_charts).chain(&snapshot.resilience_charts) {
        files.insert(file_id(&chart.file), Bytes::new(chart.svg.clone().into_bytes()));
    }
    let world = ReportWorld {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(book),
        fonts,
        main: Source::new(file_id("report.typ"), TEMPLATE.to_string()),
        files,
        today: Datetime::from_ymd(today.year(), today.month() as u8, today.day() as u8)
            .ok_or_else(|| ReportError::Layout(format!("{today} is not a date typst can use")))?,
    };
    let document: PagedDocument = typst::compile(&world).output.map_err(|errors| {
        ReportError::Layout(errors.iter().map(|error| error.message.to_string()).collect::<Vec<_>>().join("; "))
    })?;
    // PDF/A-2b, for an archive that must still open in decades: every font
    // embedded, XMP metadata declaring the standard, no external content.
    // Tagged (typst's default) for screen readers.
    let standards = typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::A_2b])
        .map_err(|error| ReportError::Pdf(error.to_string()))?;
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(&snapshot.fingerprint),
        timestamp: Some(typst_pdf::Timestamp::new_utc(world.today)),
        standards,
        tagged: true,
        ..typst_pdf::PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&document, &options).map_err(|errors| {
        ReportError::Pdf(errors.iter().map(|error| error.message.to_string()).collect::<Vec<_>>().join("; "))
    })?;
    Ok(RenderedPdf { bytes, pages: document.pages.len() })
}
