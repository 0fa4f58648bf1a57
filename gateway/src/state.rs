//! What every handler shares: one client per service (clones share the
//! connection), the deadlines of each kind of call, and access control's
//! store and settings.

use std::{sync::Arc, time::Duration};

use ec_common::deadline::Deadline;
use ec_common::grpc::TracedChannel as Channel;
use ec_proto::{
    notification::v1::notification_service_client::NotificationServiceClient,
    order::v1::order_service_client::OrderServiceClient, payment::v1::payment_service_client::PaymentServiceClient,
};
use tonic::Request;

use crate::{
    auth::{AccessSettings, secrets::Throttle, store::AuthStore},
    config::Config,
    error::ApiError,
    webhook_signature::WebhookSecrets,
};

/// Cheap to clone: axum clones the state for every extractor and
/// middleware of every request, and cloning three channels (and dropping
/// them again) showed up in the create-order profile.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub order_channel: Channel,
    pub payment_channel: Channel,
    pub notification_channel: Channel,
    pub payment_timeout: Duration,
    /// Of every call that neither pays nor refunds.
    pub default_timeout: Duration,
    pub webhook_timeout: Duration,
    pub auth: AuthStore,
    pub access: AccessSettings,
    pub throttle: Arc<Throttle>,
    /// `None`: the REST webhook is disabled.
    pub webhook_secrets: Option<WebhookSecrets>,
    /// A trace's URL with `{trace_id}` in it (TRACE_URL_TEMPLATE).
    pub trace_url_template: Option<Arc<str>>,
}

impl AppState {
    pub fn new(config: &Config, auth: AuthStore) -> anyhow::Result<Self> {
        let s = &config.settings;
        let webhook_secrets = s
            .webhook_secret
            .as_ref()
            .map(|w| WebhookSecrets::parse(w.expose()))
            .transpose()
            .map_err(|e| anyhow::anyhow!("EC_WEBHOOK_SECRET: {e}"))?;
        Ok(Self(Arc::new(Shared {
            order_channel: ec_common::grpc::lazy_channel(&config.order_url, "gateway", &config.mesh)?,
            payment_channel: ec_common::grpc::lazy_channel(&config.payment_url, "gateway", &config.mesh)?,
            notification_channel: ec_common::grpc::lazy_channel(&config.notification_url, "gateway", &config.mesh)?,
            payment_timeout: config.payment_timeout(),
            default_timeout: config.default_timeout(),
            webhook_timeout: config.webhook_timeout(),
            auth,
            access: AccessSettings {
                session_idle: Duration::from_secs(s.session_idle_minutes.max(1) * 60),
                session_max: Duration::from_secs(s.session_max_hours.max(1) * 3600),
                secure_cookies: s.secure_cookies,
            },
            throttle: Arc::new(Throttle::default()),
            webhook_secrets,
            trace_url_template: s.trace_url_template.as_deref().map(Arc::from),
        })))
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

    /// Makes an idempotent call, again after a short pause while the callee
    /// is unreachable (a restart), within `timeout` from now in all.
    pub async fn retried<M, T, F, Fut>(&self, timeout: Duration, message: M, mut send: F) -> Result<T, ApiError>
    where
        M: Clone,
        F: FnMut(Request<M>) -> Fut,
        Fut: Future<Output = Result<T, tonic::Status>>,
    {
        let principal = crate::auth::current_principal().map(|p| p.actor());
        let out = ec_common::retry::within_deadline(Deadline::NONE, timeout, |d| {
            let request = d.request(message.clone(), timeout).map(|mut r| {
                if let Some(p) = &principal {
                    ec_common::grpc::set_principal(&mut r, p);
                }
                r
            });
            let sent = request.map(&mut send);
            async move { sent?.await }
        })
        .await;
        Ok(out?)
    }

    /// A request whose deadline is `timeout` from now (the gateway is where
    /// every deadline starts), carrying the acting principal.
    pub fn call<T>(&self, message: T, timeout: Duration) -> Result<Request<T>, ApiError> {
        let mut request = Deadline::NONE.request(message, timeout)?;
        if let Some(p) = crate::auth::current_principal() {
            ec_common::grpc::set_principal(&mut request, &p.actor());
        }
        Ok(request)
    }
}
