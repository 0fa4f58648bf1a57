//! The platform's gRPC contracts, generated from `proto/ec/**` at build time.
//!
//! One module per package: [`order::v1`], [`payment::v1`], [`notification::v1`], [`outbox::v1`].
//! [`FILE_DESCRIPTOR_SET`] is what the servers publish by reflection.

#![allow(clippy::all, missing_docs)]

pub mod order {
    pub mod v1 {
        tonic::include_proto!("ec.order.v1");
    }
}

pub mod payment {
    pub mod v1 {
        tonic::include_proto!("ec.payment.v1");
    }
}

pub mod notification {
    pub mod v1 {
        tonic::include_proto!("ec.notification.v1");
    }
}

pub mod outbox {
    pub mod v1 {
        tonic::include_proto!("ec.outbox.v1");
    }
}

/// Encoded `FileDescriptorSet` of every package above (and its imports).
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/ec_descriptor.bin"));
