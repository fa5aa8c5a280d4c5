//! `reentry`: an agent-based simulator of reintegration pathways after detention.
//!
//! The model is the one of `MODEL.md`: citizens ([`population`]) move through detention,
//! release and support services ([`services`]) under a care regime ([`regime`]), one day per
//! step ([`engine`]). Scenarios are TOML files checked before any work ([`scenario`]).
//! Outcomes ([`outcomes`]) and costs per payer ([`costs`]) are collected per replication;
//! [`experiments`] runs replications in parallel and summarises them with [`stats`];
//! [`report`] writes what users read; [`folder`] reads an output folder back, from which
//! [`plots`] draws the pictures and [`html`] writes the self-contained `report.html`;
//! [`trace`] tells one citizen's life story. [`sweep`] runs a scenario over a design of
//! parameter values (also split over a cluster) with [`scenario::overrides`]; [`progress`]
//! shows bars.

pub mod calibrate;
pub mod compare;
pub mod costs;
pub mod engine;
pub mod experiments;
pub mod folder;
pub mod html;
pub mod outcomes;
pub mod plots;
pub mod population;
pub mod progress;
pub mod provenance;
pub mod regime;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod select;
pub mod services;
pub mod stats;
pub mod sweep;
pub mod trace;
pub mod uncertainty;
