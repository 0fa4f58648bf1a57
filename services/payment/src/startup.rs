//! Building and running the payment service.

use std::net::SocketAddr;

use ec_common::{grpc::GrpcServer, shutdown::Shutdown};
use ec_proto::payment::v1::payment_service_server::PaymentServiceServer;
use tokio::net::TcpListener;

use crate::{config::Config, grpc::PaymentGrpc, migration::Migrator, store::Store, webhook::PaymentEvents};

pub struct Application {
    listener: TcpListener,
    addr: SocketAddr,
    store: Store,
    grpc: PaymentGrpc,
    outbox: ec_outbox::Outbox,
    events: PaymentEvents,
    config: Config,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let listener = ec_common::grpc::bind(config.addr, "payment service").await?;
        Self::build_on(config, listener).await
    }

    /// Builds on a listener the caller bound (the all-in-one binds every
    /// port first, so the services can be told each other's addresses).
    pub async fn build_on(config: Config, listener: TcpListener) -> anyhow::Result<Self> {
        let db = config.open_db("payment-service").await?;
        ec_common::db::migrate::<Migrator>(&db).await?;
        let outbox = ec_outbox::Outbox::new(db.clone(), "payment-service");
        let store = Store::open(db, config.settings.max_batch, outbox.clone()).await?;
        let order = ec_common::grpc::lazy_channel(&config.order_url, "payment-service", &config.mesh)?;
        let events = PaymentEvents::new(order.clone(), config.webhook_timeout());
        let grpc = PaymentGrpc::new(
            store.clone(),
            order,
            config.webhook_timeout(),
            std::time::Duration::from_millis(config.settings.processing_delay_ms),
        );
        let addr = listener.local_addr()?;
        Ok(Self { listener, addr, store, grpc, outbox, events, config })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub async fn run(self, shutdown: Shutdown) -> anyhow::Result<()> {
        tracing::info!(addr = %self.addr, db = %self.config.db_location(), "payment service listening");
        let worker = tokio::spawn(self.outbox.clone().run(self.events, self.config.outbox_policy(), shutdown.wait()));
        GrpcServer::new(ec_proto::FILE_DESCRIPTOR_SET, "payment-service")
            .add_service(PaymentServiceServer::new(self.grpc))
            .await
            .add_service(self.outbox.admin())
            .await
            .serve(self.listener, &self.config.mesh, shutdown.wait())
            .await?;
        let _ = worker.await;
        self.store.db().clone().close().await?;
        tracing::info!("payment service stopped");
        Ok(())
    }
}

/// Builds the service and serves until `shutdown` fires: the one call a
/// binary (or anything embedding the service) needs.
pub async fn serve(config: Config, shutdown: Shutdown) -> anyhow::Result<()> {
    Application::build(config).await?.run(shutdown).await
}
