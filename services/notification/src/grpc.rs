//! The tonic layer: validate, render, queue. No delivery here.

use std::collections::HashMap;

use ec_common::vocab::TemplateCode;
use ec_common::{
    error::{ErrorCode, Fault, FieldCode, FieldViolation},
    rules::{is_valid_email, is_valid_phone},
};
use ec_proto::notification::v1::{self as pb, notification_service_server::NotificationService};
use tonic::{Request, Response, Status};

use crate::{
    entity::{notification_attempts, notification_templates, notifications},
    error::Error,
    store::{Channel, DeliveryStatus, NewNotification, Store},
    template::{self, TemplateError},
};

pub struct NotificationGrpc {
    store: Store,
    rate_per_sec: f64,
}

impl NotificationGrpc {
    pub fn new(store: Store, rate_per_sec: f64) -> Self {
        Self { store, rate_per_sec }
    }

    async fn queue(
        &self,
        channel: Channel,
        order_id: i64,
        recipient: String,
        code: String,
        variables: HashMap<String, String>,
        idempotency_key: String,
    ) -> Result<notifications::Model, Error> {
        let n = self.prepare(channel, order_id, recipient, &code, &variables, idempotency_key)?;
        self.store.enqueue(n).await
    }

    /// Validates and renders one notification, ready to queue.
    fn prepare(
        &self,
        channel: Channel,
        order_id: i64,
        recipient: String,
        code: &str,
        variables: &HashMap<String, String>,
        idempotency_key: String,
    ) -> Result<NewNotification, Fault> {
        let mut errors = Vec::new();
        if order_id <= 0 {
            errors.push(FieldViolation::at_least("order_id", 1));
        }
        let max = match channel {
            Channel::Email => ec_common::rules::order::EMAIL_MAX,
            Channel::Sms => ec_common::rules::order::PHONE_MAX,
        };
        let too_long = recipient.chars().count() > max;
        let recipient = recipient.trim().to_owned();
        let recipient_ok = match channel {
            Channel::Email => is_valid_email(&recipient),
            Channel::Sms => is_valid_phone(&recipient),
        };
        if too_long {
            errors.push(FieldViolation::too_long("recipient", max));
        } else if !recipient_ok {
            let code = match channel {
                Channel::Email => FieldCode::InvalidEmail,
                Channel::Sms => FieldCode::InvalidPhone,
            };
            errors.push(FieldViolation::new("recipient", code, &[]));
        }
        if idempotency_key.len() > ec_common::rules::KEY_MAX {
            errors.push(FieldViolation::too_long("idempotency_key", ec_common::rules::KEY_MAX));
        }
        if !errors.is_empty() {
            return Err(Fault::validation(errors));
        }
        let t = TemplateCode::parse(code).and_then(|c| self.store.template(c)).ok_or_else(|| {
            Fault::new(ErrorCode::UnknownTemplate, format!("unknown template {:?}", code.trim()))
                .with("template", code.trim())
        })?;
        // An SMS has no subject: only the body's placeholders count.
        let fault = |e| template_fault(e, t.code.as_str());
        let (subject, body) = match channel {
            Channel::Email => {
                let mut texts = template::render_all(&[&t.subject, &t.body], variables).map_err(fault)?;
                let body = texts.pop().unwrap_or_default();
                (texts.pop().unwrap_or_default(), body)
            }
            Channel::Sms => (String::new(), template::render(&t.body, variables).map_err(fault)?),
        };
        let key = Some(idempotency_key.trim().to_owned()).filter(|k| !k.is_empty());
        Ok(NewNotification {
            order_id,
            channel,
            template: t.code,
            recipient,
            subject,
            body,
            idempotency_key: key,
            batch_id: None,
            // The request's span is current here: its trace is the one the
            // operators will look the notification up by.
            trace_id: ec_common::telemetry::current_trace_id(),
        })
    }

    /// Notifications as the wire has them, each with its attempt log.
    async fn with_attempts(&self, list: Vec<notifications::Model>) -> Result<Vec<pb::Notification>, Error> {
        let ids: Vec<i64> = list.iter().map(|n| n.id).collect();
        let mut attempts = self.store.attempts_of(&ids).await?;
        Ok(list
            .into_iter()
            .map(|n| {
                let log = attempts.remove(&n.id).unwrap_or_default();
                notification_to_proto(n, log)
            })
            .collect())
    }
}

fn template_fault(e: TemplateError, template: &str) -> Fault {
    match &e {
        TemplateError::Missing(vars) => {
            let mut f = Fault::new(ErrorCode::MissingVariable, e.to_string());
            f.fields = vars
                .iter()
                .map(|v| {
                    FieldViolation::new(
                        format!("variables.{v}"),
                        FieldCode::MissingVariable,
                        &[("template", &template)],
                    )
                })
                .collect();
            f
        }
        TemplateError::Malformed(_) => Fault::new(ErrorCode::Internal, "the stored template is malformed"),
    }
}

pub fn notification_to_proto(n: notifications::Model, log: Vec<notification_attempts::Model>) -> pb::Notification {
    pb::Notification {
        id: n.id,
        order_id: n.order_id,
        channel: n.channel.to_proto() as i32,
        template: n.template.as_str().to_owned(),
        recipient: n.recipient,
        subject: n.subject,
        body: n.body,
        status: n.status.to_proto() as i32,
        attempts: n.attempts,
        last_error: n.last_error.unwrap_or_default(),
        created_at: Some(ec_common::time::to_proto(n.created_at)),
        sent_at: n.sent_at.map(ec_common::time::to_proto),
        delivery_attempts: log
            .into_iter()
            .map(|a| pb::DeliveryAttempt {
                attempt: a.attempt,
                at: Some(ec_common::time::to_proto(a.at)),
                outcome: a.outcome.to_proto() as i32,
                error: a.error.unwrap_or_default(),
                duration_ms: a.duration_ms,
            })
            .collect(),
        trace_id: n.trace_id.unwrap_or_default(),
    }
}

fn template_to_proto(t: notification_templates::Model) -> pb::Template {
    let mut vars = template::variables(&t.subject).unwrap_or_default();
    vars.extend(template::variables(&t.body).unwrap_or_default());
    pb::Template {
        code: t.code.as_str().to_owned(),
        subject: t.subject,
        body: t.body,
        variables: vars.into_iter().collect(),
        updated_at: Some(ec_common::time::to_proto(t.updated_at)),
        updated_by: t.updated_by.unwrap_or_default(),
    }
}

#[tonic::async_trait]
impl NotificationService for NotificationGrpc {
    async fn send_email(
        &self,
        request: Request<pb::SendEmailRequest>,
    ) -> Result<Response<pb::SendEmailResponse>, Status> {
        let r = request.into_inner();
        let n = self.queue(Channel::Email, r.order_id, r.recipient, r.template, r.variables, r.idempotency_key).await?;
        Ok(Response::new(pb::SendEmailResponse { notification: Some(notification_to_proto(n, Vec::new())) }))
    }

    async fn send_sms(&self, request: Request<pb::SendSmsRequest>) -> Result<Response<pb::SendSmsResponse>, Status> {
        let r = request.into_inner();
        let n = self.queue(Channel::Sms, r.order_id, r.recipient, r.template, r.variables, r.idempotency_key).await?;
        Ok(Response::new(pb::SendSmsResponse { notification: Some(notification_to_proto(n, Vec::new())) }))
    }

    async fn list_order_notifications(
        &self,
        request: Request<pb::ListOrderNotificationsRequest>,
    ) -> Result<Response<pb::ListOrderNotificationsResponse>, Status> {
        let list = self.store.by_order(request.into_inner().order_id).await?;
        Ok(Response::new(pb::ListOrderNotificationsResponse { notifications: self.with_attempts(list).await? }))
    }

    async fn list_templates(
        &self,
        _: Request<pb::ListTemplatesRequest>,
    ) -> Result<Response<pb::ListTemplatesResponse>, Status> {
        Ok(Response::new(pb::ListTemplatesResponse {
            templates: self.store.templates().into_iter().map(template_to_proto).collect(),
        }))
    }

    async fn update_template(
        &self,
        request: Request<pb::UpdateTemplateRequest>,
    ) -> Result<Response<pb::UpdateTemplateResponse>, Status> {
        let by = ec_common::grpc::principal_of(&request);
        let r = request.into_inner();
        let code = TemplateCode::parse(&r.code).ok_or_else(|| {
            Fault::not_found(format!("no template {:?}", r.code.trim())).with("template", r.code.trim())
        })?;
        let mut errors = Vec::new();
        if r.subject.chars().count() > 200 {
            errors.push(FieldViolation::too_long("subject", 200));
        } else if let Err(e) = template::variables(&r.subject) {
            errors.push(FieldViolation::described("subject", FieldCode::InvalidFormat, e.to_string()));
        }
        if r.body.trim().is_empty() {
            errors.push(FieldViolation::required("body"));
        } else if r.body.chars().count() > 10_000 {
            errors.push(FieldViolation::too_long("body", 10_000));
        } else if let Err(e) = template::variables(&r.body) {
            errors.push(FieldViolation::described("body", FieldCode::InvalidFormat, e.to_string()));
        }
        if !errors.is_empty() {
            return Err(Fault::validation(errors).into());
        }
        let t = self.store.put_template(code, r.subject, r.body, by).await?;
        Ok(Response::new(pb::UpdateTemplateResponse { template: Some(template_to_proto(t)) }))
    }

    async fn get_queue_stats(
        &self,
        _: Request<pb::GetQueueStatsRequest>,
    ) -> Result<Response<pb::GetQueueStatsResponse>, Status> {
        let s = self.store.stats().await?;
        Ok(Response::new(pb::GetQueueStatsResponse {
            queued: s.queued,
            sent: s.sent,
            failed: s.failed,
            rate_per_second: self.rate_per_sec,
        }))
    }

    async fn enqueue_notifications(
        &self,
        request: Request<pb::EnqueueNotificationsRequest>,
    ) -> Result<Response<pb::EnqueueNotificationsResponse>, Status> {
        let r = request.into_inner();
        if r.items.len() > 1000 {
            return Err(Fault::field(FieldViolation::new("items", FieldCode::TooMany, &[("max", &1000)])).into());
        }
        let batch_id = Some(r.batch_id.trim().to_owned()).filter(|b| !b.is_empty());
        let mut results = vec![pb::EnqueueResult::default(); r.items.len()];
        let mut ready = Vec::with_capacity(r.items.len());
        let mut slots = Vec::with_capacity(r.items.len());
        for (i, item) in r.items.into_iter().enumerate() {
            let channel = match pb::Channel::try_from(item.channel) {
                Ok(pb::Channel::Sms) => Channel::Sms,
                _ => Channel::Email,
            };
            match self.prepare(
                channel,
                item.order_id,
                item.recipient,
                &item.template,
                &item.variables,
                item.idempotency_key,
            ) {
                Ok(mut n) => {
                    n.batch_id = batch_id.clone();
                    ready.push(n);
                    slots.push(i);
                }
                Err(f) => {
                    results[i].error_reason = f.code.as_str().to_owned();
                    results[i].error_message = f.message;
                }
            }
        }
        let queued = self.store.enqueue_many(ready).await?;
        for (i, n) in slots.into_iter().zip(queued) {
            results[i].notification_id = n.id;
        }
        Ok(Response::new(pb::EnqueueNotificationsResponse { results }))
    }

    async fn get_batch_stats(
        &self,
        request: Request<pb::GetBatchStatsRequest>,
    ) -> Result<Response<pb::GetBatchStatsResponse>, Status> {
        let s = self.store.batch_stats(&request.into_inner().batch_id).await?;
        Ok(Response::new(pb::GetBatchStatsResponse { queued: s.queued, sent: s.sent, failed: s.failed }))
    }

    async fn list_notifications(
        &self,
        request: Request<pb::ListNotificationsRequest>,
    ) -> Result<Response<pb::ListNotificationsResponse>, Status> {
        let r = request.into_inner();
        let limit = (r.limit != 0).then(|| u32::try_from(r.limit).unwrap_or(u32::MAX));
        let limit = ec_common::rules::page_size(
            "limit",
            limit,
            ec_common::rules::page::NOTIFICATIONS_DEFAULT,
            ec_common::rules::page::NOTIFICATIONS_MAX,
        )
        .map_err(Fault::field)?;
        let before = match r.cursor.trim() {
            "" => None,
            c => Some(c.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                Fault::field(FieldViolation::described(
                    "cursor",
                    FieldCode::InvalidValue,
                    "is not a cursor this server gave",
                ))
            })?),
        };
        let status = match pb::NotificationStatus::try_from(r.status) {
            Ok(pb::NotificationStatus::Unspecified) => None,
            Ok(pb::NotificationStatus::Queued) => Some(DeliveryStatus::Queued),
            Ok(pb::NotificationStatus::Sent) => Some(DeliveryStatus::Sent),
            Ok(pb::NotificationStatus::Failed) => Some(DeliveryStatus::Failed),
            Err(_) => return Err(Fault::field(FieldViolation::one_of("status", &["queued", "sent", "failed"])).into()),
        };
        let (page, next) = self.store.list(status, before, u64::from(limit)).await?;
        Ok(Response::new(pb::ListNotificationsResponse {
            notifications: self.with_attempts(page).await?,
            next_cursor: next.map(|id| id.to_string()).unwrap_or_default(),
        }))
    }

    async fn retry_notification(
        &self,
        request: Request<pb::RetryNotificationRequest>,
    ) -> Result<Response<pb::RetryNotificationResponse>, Status> {
        let id = request.into_inner().id;
        let n = self.store.retry(id).await?;
        let mut list = self.with_attempts(vec![n]).await?;
        Ok(Response::new(pb::RetryNotificationResponse { notification: list.pop() }))
    }

    async fn retry_failed_notifications(
        &self,
        _: Request<pb::RetryFailedNotificationsRequest>,
    ) -> Result<Response<pb::RetryFailedNotificationsResponse>, Status> {
        let requeued = self.store.retry_failed().await?;
        Ok(Response::new(pb::RetryFailedNotificationsResponse {
            requeued: i64::try_from(requeued).unwrap_or(i64::MAX),
        }))
    }
}
