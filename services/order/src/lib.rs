//! The order service: orders, their items and status history, and the
//! orchestration of the create, cancel and ship flows.
//!
//! - [`domain`]: statuses, the status machine, parsing requests into valid orders.
//! - [`store`]: every database access; writes go through one group-commit writer.
//! - [`flows`]: create / cancel / ship / webhook, calling payment and notification.
//! - [`reconcile`]: the background loop that finishes what a failure interrupted.
//! - [`deliver`]: what the outbox delivers (refunds owed by cancelled orders).
//! - [`import`]: bulk CSV import, resumable, with batch payments and queued mails.
//! - [`grpc`]: the thin tonic layer. [`startup`]: build, bind, run.

pub mod config;
pub mod deliver;
pub mod domain;
pub mod entity;
pub mod error;
pub mod flows;
pub mod grpc;
pub mod import;
pub mod migration;
pub mod reconcile;
pub mod startup;
pub mod store;

pub use config::Config;
pub use startup::{Application, serve};
