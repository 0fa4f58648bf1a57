//! Shared runtime of the EC platform's services.
//!
//! - [`config`]: settings several processes share (the seed's deadlines).
//! - [`grpc`]: a server builder that wires health, reflection and graceful
//!   shutdown for every service, and lazy client channels.
//! - [`deadline`]: reading the incoming `grpc-timeout` and giving onward calls
//!   the smaller of their hop deadline and what is left.
//! - [`error`]: the shared error vocabulary (machine codes carried as
//!   `google.rpc.ErrorInfo` in a `tonic::Status`).
//! - [`db`]: opening a service's own SQLite file the way every service must.
//! - [`batch`]: group commit, so concurrent writes share one transaction.
//! - [`rules`]: the limits and checks of orders, payments and contact data.
//! - [`vocab`]: names the services must spell alike (template codes).
//! - [`telemetry`], [`shutdown`], [`time`], [`hex`]: logging set-up, signals,
//!   timestamps, hexadecimal.

pub mod batch;
pub mod config;
pub mod db;
pub mod deadline;
pub mod error;
pub mod grpc;
pub mod hex;
pub mod lease;
pub mod retry;
pub mod rules;
pub mod shutdown;
pub mod telemetry;
pub mod time;
pub mod vocab;
pub mod writer;
