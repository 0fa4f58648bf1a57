//! End-to-end tests of the platform: real servers on port 0, real SQLite
//! files in temp dirs, real HTTP and gRPC. One binary; modules by feature.

mod access;
mod bad_input;
mod delivery;
mod flows;
mod grpcurl;
mod helpers;
mod imports;
mod mesh;
mod migrate;
mod notifications;
mod observability;
mod orders;
mod outbox;
mod payments;
mod replicas;
mod resilience;
mod secrets;
