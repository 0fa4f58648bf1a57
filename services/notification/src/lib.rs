//! The notification service: templates, and email/SMS notifications that are
//! stored `queued` first and delivered in order by a rate-limited background
//! dispatcher. Accepting a notification never waits for its delivery.
//!
//! - [`template`]: `{{variable}}` rendering. [`store`]: every database access.
//! - [`dispatcher`]: the token bucket and the delivery loop; [`sender`]: where
//!   a message goes (the default records it in the database and the log).
//! - [`grpc`]: the thin tonic layer. [`startup`]: build, bind, run.

pub mod config;
pub mod dispatcher;
pub mod entity;
pub mod error;
pub mod grpc;
pub mod migration;
pub mod sender;
pub mod startup;
pub mod store;
pub mod template;

pub use config::Config;
pub use startup::{Application, serve};
