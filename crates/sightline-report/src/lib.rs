//! Charts and the board report. One chart renderer (plotters, SVG) serves
//! the desktop screens and the PDF, so what the board sees is what the
//! executive saw. The PDF is laid out by typst, used as a library, from a
//! data snapshot and the charts; fonts are embedded in the binary.

pub mod charts;
mod html;
mod pdf;
mod snapshot;

pub use html::render_html;
pub use pdf::{Paper, RenderedPdf, ReportError, render_pdf};
pub use snapshot::{
    BriefRisk, Definition, DirectoryEntry, ProvenanceRow, ReportAction, ReportChart, ReportClaim, ReportDocument,
    ReportNote, ReportRisk, ReportSnapshot, ReportTile, RiskLevel, ScorecardCell, ScorecardRow, fingerprint,
};
