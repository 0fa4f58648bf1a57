//! Building and running the notification service.

use std::{net::SocketAddr, sync::Arc};

use ec_common::{grpc::GrpcServer, shutdown::Shutdown};
use ec_proto::notification::v1::notification_service_server::NotificationServiceServer;
use tokio::net::TcpListener;

use crate::{
    config::Config,
    dispatcher::{Dispatcher, Policy},
    grpc::NotificationGrpc,
    migration::Migrator,
    sender::{self, Sender},
    store::Store,
};

pub struct Application {
    listener: TcpListener,
    addr: SocketAddr,
    store: Store,
    config: Config,
    sender: Arc<dyn Sender>,
    /// Where e-mail and SMS go, for the start-up line.
    delivery: String,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let listener = ec_common::grpc::bind(config.addr, "notification service").await?;
        Self::build_on(config, listener).await
    }

    /// Builds on a listener the caller bound, delivering where the settings
    /// say (SMTP, the SMS provider, else the log).
    pub async fn build_on(config: Config, listener: TcpListener) -> anyhow::Result<Self> {
        let senders = sender::from_settings(&config.settings)?;
        let delivery = senders.description.clone();
        Self::build_with(config, listener, Arc::new(senders), delivery).await
    }

    /// Builds on a listener the caller bound, with the given sender.
    pub async fn build_with(
        config: Config,
        listener: TcpListener,
        sender: Arc<dyn Sender>,
        delivery: String,
    ) -> anyhow::Result<Self> {
        let rate = config.settings.rate_per_sec;
        if !(rate > 0.0 && rate.is_finite()) {
            anyhow::bail!("NOTIFY_RATE_PER_SEC must be a positive number, got {rate}");
        }
        let db = config.open_db("notification-service").await?;
        ec_common::db::migrate::<Migrator>(&db).await?;
        let store = Store::open(db, config.settings.max_batch).await?;
        let addr = listener.local_addr()?;
        Ok(Self { listener, addr, store, config, sender, delivery })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub async fn run(self, shutdown: Shutdown) -> anyhow::Result<()> {
        let (c, settings) = (&self.config, &self.config.settings);
        let dispatcher = Dispatcher::new(self.store.clone(), self.sender.clone(), Policy::from_settings(settings));
        let dispatching = tokio::spawn(dispatcher.run(shutdown.wait()));
        tracing::info!(addr = %self.addr, db = %c.db_location(), rate = settings.rate_per_sec, delivery = %self.delivery, "notification service listening");
        GrpcServer::new(ec_proto::FILE_DESCRIPTOR_SET, "notification-service")
            .add_service(NotificationServiceServer::new(NotificationGrpc::new(
                self.store.clone(),
                settings.rate_per_sec,
            )))
            .await
            .serve(self.listener, &self.config.mesh, shutdown.wait())
            .await?;
        let _ = dispatching.await;
        self.store.db().clone().close().await?;
        tracing::info!("notification service stopped");
        Ok(())
    }
}

/// Builds the service and serves until `shutdown` fires: the one call a
/// binary (or anything embedding the service) needs.
pub async fn serve(config: Config, shutdown: Shutdown) -> anyhow::Result<()> {
    Application::build(config).await?.run(shutdown).await
}
