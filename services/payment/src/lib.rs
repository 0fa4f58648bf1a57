//! The payment service: payments (one per order, 100..=1,000,000 JPY per
//! transaction) and refunds, each reported to the order service by webhook.
//!
//! - [`domain`]: the amount rules. [`store`]: every database access, writes
//!   by one group-commit writer. [`webhook`]: reports to the order service.
//! - [`grpc`]: the thin tonic layer. [`startup`]: build, bind, run.

pub mod config;
pub mod domain;
pub mod entity;
pub mod error;
pub mod grpc;
pub mod migration;
pub mod startup;
pub mod store;
pub mod webhook;

pub use config::Config;
pub use startup::{Application, serve};
