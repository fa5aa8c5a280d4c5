//! `reentry`: an agent-based simulator of reintegration pathways after detention.
//!
//! The model is the one of `docs/model.md`: citizens ([`population`]) move through detention,
//! release and support services ([`services`]) under a care regime ([`regime`]), one day per
//! step ([`engine`]; its large per-citizen arrays ask for huge pages, `memory`). Scenarios
//! are TOML files checked before any work ([`scenario`]).
//! Outcomes ([`outcomes`]) and costs per payer ([`costs`]) are collected per replication;
//! [`experiments`] runs replications in parallel and summarises them with [`stats`];
//! [`output::report`] writes what users read into an [`output::outdir`] (staged, locked, hashed, never
//! replacing a folder it did not write); [`limits`] bounds every input; [`output::folder`] reads an output folder back, from which
//! [`output::plots`] draws the pictures and [`output::html`] writes the self-contained `report.html`;
//! [`trace`] tells one citizen's life story; [`levers`] splits a practice into its levers. [`sweep`] runs a scenario over a design of
//! parameter values (also split over a cluster) with [`scenario::overrides`]; [`progress`]
//! shows bars. [`classroom`] builds the offline teaching page. Decisions under uncertainty: [`uncertainty`] reads the priors, [`psa`] runs
//! `compare --psa` and analyses its draws with [`decision`] (ICERs, CEAC, EVPI) and
//! [`benefit_cost`] (per payer), [`output::psa_report`] puts them in the report; [`sensitivity`]
//! (tornado, Morris, thresholds) runs its design as a sweep and draws with
//! [`output::sensitivity_plot`]. [`calibrate`] fits the priors' parameters to observed targets
//! (ABC-SMC).

pub mod benefit_cost;
pub mod calibrate;
pub mod classroom;
pub mod compare;
pub mod costs;
pub mod decision;
pub mod engine;
pub mod experiments;
pub mod levers;
pub mod limits;
pub(crate) mod memory;
pub mod outcomes;
pub mod output;
pub mod pipeline;
pub mod population;
pub mod progress;
pub mod psa;
pub mod regime;
pub mod rng;
pub mod scenario;
pub mod schedule;
pub mod select;
pub mod sensitivity;
pub mod services;
pub mod stats;
pub mod sweep;
pub mod trace;
pub mod uncertainty;
