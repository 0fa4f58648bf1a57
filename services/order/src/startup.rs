//! Building and running the order service.

use std::net::SocketAddr;

use ec_common::{grpc::GrpcServer, shutdown::Shutdown};
use ec_proto::order::v1::order_service_server::OrderServiceServer;
use tokio::net::TcpListener;

use crate::{config::Config, flows::Flows, grpc::OrderGrpc, import::Importer, migration::Migrator, store::Store};

/// A built service: database open and migrated, listener bound.
pub struct Application {
    listener: TcpListener,
    addr: SocketAddr,
    flows: Flows,
    importer: Importer,
    config: Config,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let listener = ec_common::grpc::bind(config.addr, "order service").await?;
        Self::build_on(config, listener).await
    }

    /// Builds on a listener the caller bound (the all-in-one binds every
    /// port first, so the services can be told each other's addresses).
    pub async fn build_on(config: Config, listener: TcpListener) -> anyhow::Result<Self> {
        let db = config.open_db("order-service").await?;
        ec_common::db::migrate::<Migrator>(&db).await?;
        let outbox = ec_outbox::Outbox::new(db.clone(), "order-service");
        let store = Store::open(db, config.settings.max_batch, outbox.clone()).await?;
        let payment = ec_common::grpc::lazy_channel(&config.payment_url, "order-service", &config.mesh)?;
        let notification = ec_common::grpc::lazy_channel(&config.notification_url, "order-service", &config.mesh)?;
        let importer = Importer::new(store.clone(), payment.clone(), notification.clone(), config.import_config());
        let flows = Flows::new(store, outbox, payment, notification, config.clone());
        let addr = listener.local_addr()?;
        Ok(Self { listener, addr, flows, importer, config })
    }

    /// The address actually bound (port 0 resolved).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until `shutdown` fires; in-flight calls finish first.
    pub async fn run(self, shutdown: Shutdown) -> anyhow::Result<()> {
        let reconciler = tokio::spawn(crate::reconcile::run(
            self.flows.clone(),
            std::time::Duration::from_millis(self.config.settings.reconcile_interval_ms),
            shutdown.wait(),
        ));
        let outbox = self.flows.outbox.clone();
        let worker = tokio::spawn(outbox.clone().run(
            crate::deliver::OrderEvents { flows: self.flows.clone() },
            self.config.outbox_policy(),
            shutdown.wait(),
        ));
        // Imports a stop interrupted carry on where they were; one a crashed
        // replica left is taken up once its lease runs out. Looked for often
        // (one indexed read while none is unfinished), so this replica joins
        // in paying another's import soon after its chunks are planned.
        self.importer.resume().await?;
        let every = std::time::Duration::from_millis(500);
        let resuming = tokio::spawn(self.importer.clone().keep_resuming(every, shutdown.wait()));
        tracing::info!(addr = %self.addr, db = %self.config.db_location(), "order service listening");
        // Import files arrive in one message: allow up to 64 MiB.
        let service = OrderServiceServer::new(OrderGrpc::new(self.flows.clone(), self.importer.clone()))
            .max_decoding_message_size(64 * 1024 * 1024);
        let server = GrpcServer::new(ec_proto::FILE_DESCRIPTOR_SET, "order-service")
            .add_service(service)
            .await
            .add_service(outbox.admin())
            .await;
        server.serve(self.listener, &self.config.mesh, shutdown.wait()).await?;
        let _ = reconciler.await;
        let _ = worker.await;
        let _ = resuming.await;
        // In-flight flows and imports get a moment to reach a safe point;
        // whatever is left is resumed at the next start.
        self.flows.drain(std::time::Duration::from_secs(10)).await;
        self.importer.drain(std::time::Duration::from_secs(5)).await;
        self.flows.store.db().clone().close().await?;
        tracing::info!("order service stopped");
        Ok(())
    }
}

/// Builds the service and serves until `shutdown` fires: the one call a
/// binary (or anything embedding the service) needs.
pub async fn serve(config: Config, shutdown: Shutdown) -> anyhow::Result<()> {
    Application::build(config).await?.run(shutdown).await
}
