//! Calls between the services: a shared token every call carries, and mutual
//! TLS with certificates made here; health checks and reflection stay open.

use std::path::Path;

use ec_common::config::Mesh;
use ec_proto::order::v1::{GetOrderRequest, order_service_client::OrderServiceClient};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

use crate::helpers::*;

const TOKEN: &str = "mesh-token-0123456789-abcdefghij";

fn with_token(mesh: &mut Mesh) {
    mesh.service_token = Some(TOKEN.parse().expect("token"));
}

/// An order look-up with this metadata token (or none).
async fn get_order(channel: Channel, token: Option<&str>) -> Result<(), tonic::Status> {
    let mut req = tonic::Request::new(GetOrderRequest { id: 424_242 });
    if let Some(t) = token {
        req.metadata_mut().insert("authorization", format!("Bearer {t}").parse().expect("ascii"));
    }
    match OrderServiceClient::new(channel).get_order(req).await {
        Err(s) if s.code() == tonic::Code::NotFound => Ok(()),
        other => other.map(|_| ()),
    }
}

#[tokio::test]
async fn with_a_service_token_only_the_platform_calls_its_services() {
    let app = spawn_with(|c| with_token(&mut c.mesh)).await;
    // The services call each other with the token: the whole flow works.
    app.paid_order(1500).await;
    let channel = Endpoint::from_shared(app.grpc_url("order")).expect("url").connect().await.expect("connect");
    let refused = get_order(channel.clone(), None).await.expect_err("no token");
    assert_eq!(refused.code(), tonic::Code::Unauthenticated);
    let wrong = get_order(channel.clone(), Some("mesh-token-0123456789-abcdefghiX")).await.expect_err("wrong token");
    assert_eq!(wrong.code(), tonic::Code::Unauthenticated);
    get_order(channel.clone(), Some(TOKEN)).await.expect("the token opens it");
    // Probes need no token.
    let health = HealthClient::new(channel)
        .check(HealthCheckRequest { service: "ec.order.v1.OrderService".into() })
        .await
        .expect("health without a token");
    assert_eq!(health.into_inner().status, 1, "SERVING");
    app.stop().await;
}

#[tokio::test]
async fn a_service_beyond_loopback_refuses_to_start_without_a_token() {
    let dir = tempfile::tempdir().expect("dir");
    let mut cfg = notification_service::Config::for_tests(dir.path().to_path_buf());
    cfg.database_url = ec_common::db::test_database(dir.path(), "notification").await.expect("test database");
    cfg.addr = ([0, 0, 0, 0], 0).into();
    let app = notification_service::Application::build(cfg.clone()).await.expect("builds");
    let err = app.run(ec_common::shutdown::Shutdown::new()).await.expect_err("refused");
    assert!(err.to_string().contains("EC_SERVICE_TOKEN"), "{err}");
    with_token(&mut cfg.mesh);
    let app = notification_service::Application::build(cfg).await.expect("builds");
    let stop = ec_common::shutdown::Shutdown::new();
    let task = tokio::spawn(app.run(stop.clone()));
    stop.trigger();
    task.await.expect("join").expect("serves with a token, then stops");
}

/// In the all-in-one, one service refusing to start stops the whole
/// process with its reason (not a half-started platform that says nothing).
#[tokio::test]
async fn the_all_in_one_stops_when_a_service_refuses_to_start() {
    let dir = tempfile::tempdir().expect("dir");
    let mut config = ec_platform::PlatformConfig::for_tests(dir.path().to_path_buf());
    config.databases = ec_platform::Databases::for_tests(dir.path()).await.expect("test databases");
    config.gateway.web_dir = "/nonexistent".into();
    config.payment_addr = ([0, 0, 0, 0], 0).into();
    let ended = match ec_platform::start(config).await {
        Err(e) => e,
        Ok(running) => running.wait().await.expect_err("the payment service refused"),
    };
    assert!(format!("{ended:#}").contains("EC_SERVICE_TOKEN"), "{ended:#}");
}

/// A CA, and a certificate it signs for `localhost` and 127.0.0.1 (the
/// delivery tests' SMTP server uses one too).
pub(crate) struct Pki {
    pub(crate) ca: String,
    pub(crate) cert: String,
    pub(crate) key: String,
}

pub(crate) fn pki() -> Pki {
    let ca_key = KeyPair::generate().expect("key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).expect("ca");
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().expect("key");
    let params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).expect("params");
    let cert = params.signed_by(&key, &issuer).expect("cert");
    Pki { ca: ca.pem(), cert: cert.pem(), key: key.serialize_pem() }
}

fn write_pki(dir: &Path, p: &Pki) -> Mesh {
    let file = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        path
    };
    Mesh {
        service_token: Some(TOKEN.parse().expect("token")),
        tls_cert: Some(file("node.pem", &p.cert)),
        tls_key: Some(file("node.key", &p.key)),
        tls_ca: Some(file("ca.pem", &p.ca)),
    }
}

#[tokio::test]
async fn mutual_tls_between_the_services() {
    let certs = tempfile::tempdir().expect("dir");
    let p = pki();
    let mesh = write_pki(certs.path(), &p);
    let app = spawn_with(|c| c.mesh = mesh.clone()).await;
    // Every hop of a create (gateway -> order -> payment, notification, the
    // webhook back) goes over mutual TLS.
    app.paid_order(2500).await;
    let addr = app.grpc_url("order").replace("http://", "");
    // Plain HTTP/2 to a TLS port: refused.
    let plain = Endpoint::from_shared(format!("http://{addr}")).expect("url").connect().await;
    if let Ok(channel) = plain {
        assert!(get_order(channel, Some(TOKEN)).await.is_err(), "a plaintext call was answered");
    }
    let tls = |identity: bool| {
        let mut cfg = ClientTlsConfig::new().ca_certificate(Certificate::from_pem(&p.ca)).domain_name("localhost");
        if identity {
            cfg = cfg.identity(Identity::from_pem(&p.cert, &p.key));
        }
        Endpoint::from_shared(format!("https://{addr}")).expect("url").tls_config(cfg).expect("tls")
    };
    // TLS without a client certificate: refused by the handshake.
    match tls(false).connect().await {
        Err(_) => {}
        Ok(channel) => assert!(get_order(channel, Some(TOKEN)).await.is_err(), "answered without a client certificate"),
    }
    // With a certificate the CA signed, and the token: answered.
    let channel = tls(true).connect().await.expect("mutual TLS");
    get_order(channel.clone(), Some(TOKEN)).await.expect("answered");
    let refused = get_order(channel, None).await.expect_err("still needs the token");
    assert_eq!(refused.code(), tonic::Code::Unauthenticated);
    app.stop().await;
}
