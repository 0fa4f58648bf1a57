//! The HTTP/JSON gateway: every `/api/v1` route of DESIGN.md section 3,
//! answered by unary gRPC calls to the three services, plus the web admin.
//!
//! - [`config`]: typed configuration. [`state`]: the gRPC clients and deadlines.
//! - [`error`]: problem+json, and the one gRPC -> HTTP status mapping.
//! - [`extract`]: a JSON extractor whose rejections are problems too.
//! - [`dto`]: the JSON shapes (also the OpenAPI schemas). [`routes`]: handlers.
//! - [`openapi`]: `/api/v1/openapi.json`. [`trace`]: HTTP spans and metrics.
//! - [`auth`]: who may call what (sign-in, sessions, API keys, roles, audit).
//! - [`webhook_signature`]: Standard Webhooks signatures of the REST webhook.
//! - [`startup`]: router, bind, run.

pub mod auth;
pub mod config;
pub mod dto;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod routes;
pub mod startup;
pub mod state;
pub mod trace;
pub mod webhook_signature;

pub use config::Config;
pub use startup::Application;
