//! `reentry`: an agent-based simulator of reintegration pathways after detention.
//!
//! The model is the one of `MODEL.md`: citizens ([`population`]) move through detention,
//! release and support services ([`services`]) under a care regime ([`regime`]), one day per
//! step ([`engine`]). Scenarios are TOML files checked before any work ([`scenario`]).
//! Outcomes ([`outcomes`]) and costs per payer ([`costs`]) are collected per replication;
//! [`experiments`] runs replications in parallel and summarises them with [`stats`];
//! [`report`] writes what users read. [`sweep`] runs a scenario over a design of parameter
//! values (also split over a cluster) with [`scenario::overrides`]; [`progress`] shows bars.

pub mod compare;
pub mod costs;
pub mod engine;
pub mod experiments;
pub mod outcomes;
pub mod population;
pub mod progress;
pub mod provenance;
pub mod regime;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod services;
pub mod stats;
pub mod sweep;
