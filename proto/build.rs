//! Generates the tonic servers and clients from `ec/**/*.proto`.
//!
//! `protox` parses the files in pure Rust, so a fresh machine needs no system
//! `protoc`. The encoded descriptor set is written next to the generated code
//! so the services can serve it by gRPC reflection.

use std::{env, fs, path::PathBuf};

use prost::Message;

const PROTOS: &[&str] = &[
    "ec/order/v1/order.proto",
    "ec/payment/v1/payment.proto",
    "ec/notification/v1/notification.proto",
    "ec/outbox/v1/outbox.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for proto in PROTOS {
        println!("cargo:rerun-if-changed={proto}");
    }
    let fds = protox::compile(PROTOS, ["."])?;
    let out = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(out.join("ec_descriptor.bin"), fds.encode_to_vec())?;
    tonic_prost_build::configure().build_client(true).build_server(true).compile_fds(fds)?;
    Ok(())
}
