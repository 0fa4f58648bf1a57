//! What every handler shares: one client per service (clones share the
//! connection) and the deadlines of each kind of call.

use std::time::Duration;

use ec_common::deadline::Deadline;
use ec_common::grpc::TracedChannel as Channel;
use ec_proto::{
    notification::v1::notification_service_client::NotificationServiceClient,
    order::v1::order_service_client::OrderServiceClient, payment::v1::payment_service_client::PaymentServiceClient,
};
use tonic::Request;

use crate::{config::Config, error::ApiError};

#[derive(Clone)]
pub struct AppState {
    pub order_channel: Channel,
    pub payment_channel: Channel,
    pub notification_channel: Channel,
    pub payment_timeout: Duration,
    /// Of every call that neither pays nor refunds.
    pub default_timeout: Duration,
    pub webhook_timeout: Duration,
}

impl AppState {
    pub fn new(config: &Config) -> Result<Self, tonic::transport::Error> {
        Ok(Self {
            order_channel: ec_common::grpc::lazy_channel(&config.order_url, "gateway")?,
            payment_channel: ec_common::grpc::lazy_channel(&config.payment_url, "gateway")?,
            notification_channel: ec_common::grpc::lazy_channel(&config.notification_url, "gateway")?,
            payment_timeout: config.payment_timeout(),
            default_timeout: config.default_timeout(),
            webhook_timeout: config.webhook_timeout(),
        })
    }

    pub fn orders(&self) -> OrderServiceClient<Channel> {
        // Import files travel in one message.
        OrderServiceClient::new(self.order_channel.clone()).max_encoding_message_size(64 * 1024 * 1024)
    }

    pub fn payments(&self) -> PaymentServiceClient<Channel> {
        PaymentServiceClient::new(self.payment_channel.clone())
    }

    pub fn notifications(&self) -> NotificationServiceClient<Channel> {
        NotificationServiceClient::new(self.notification_channel.clone())
    }

    /// A request whose deadline is `timeout` from now (the gateway is where
    /// every deadline starts).
    pub fn call<T>(&self, message: T, timeout: Duration) -> Result<Request<T>, ApiError> {
        Ok(Deadline::NONE.request(message, timeout)?)
    }
}
