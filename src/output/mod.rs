//! Everything users read: the tables and JSON a run writes ([`report`]), the staged, locked
//! output folder they go into ([`outdir`]), reading a folder back ([`folder`]), the sources of
//! the defaults ([`provenance`]), the pictures ([`plots`], [`sensitivity_plot`]), a sweep's
//! pictures and page ([`sweep_report`]), the offline page ([`html`], [`psa_report`]) and the
//! words in both languages of the users ([`lang`], [`words`], [`lever_words`]); the page
//! explains its own surprises ([`surprises`]).

pub mod folder;
pub mod format;
pub mod html;
pub mod lang;
pub mod lever_words;
pub mod outdir;
pub mod plots;
pub mod provenance;
pub mod psa_report;
pub mod report;
pub mod sensitivity_plot;
pub mod surprises;
pub mod sweep_report;
pub mod terminal;
pub mod words;
