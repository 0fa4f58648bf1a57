import type { Import, Notification, OutboxEvent } from '@/lib/types';

/** An import as the gateway answers it, running, 0 of 100 rows. */
export function makeImport(patch: Partial<Import> = {}): Import {
  return {
    id: '0190a1b2-0000-7000-8000-000000000001',
    status: 'running',
    file_name: 'orders.csv',
    submitted_by: 'anonymous',
    dry_run: false,
    digest: false,
    encoding: 'utf-8',
    total_rows: 100,
    processed_rows: 0,
    succeeded_rows: 0,
    failed_rows: 0,
    orders_created: 0,
    payments_total_amount: 0,
    notifications_queued: 0,
    notifications_sent: 0,
    created_at: '2025-04-01T00:00:00Z',
    started_at: '2025-04-01T00:00:00Z',
    finished_at: null,
    error: null,
    ...patch,
  };
}

/** A notification as the gateway answers it: an SMS that failed for good on its first attempt. */
export function makeNotification(patch: Partial<Notification> = {}): Notification {
  return {
    id: 11,
    order_id: 42,
    channel: 'sms',
    template: 'ORDER_SHIPPED',
    recipient: '+819011110001',
    subject: '',
    body: '山田 様 ご注文 42 の商品を発送いたしました。',
    status: 'failed',
    attempts: 1,
    last_error: "SMS provider answered 400: The 'To' number is not a valid phone number. (code 21211)",
    created_at: '2025-04-01T00:00:00Z',
    sent_at: null,
    trace_id: null,
    delivery_attempts: [
      { attempt: 1, at: '2025-04-01T00:00:01Z', outcome: 'failed', error: "SMS provider answered 400: The 'To' number is not a valid phone number. (code 21211)", duration_ms: 12 },
    ],
    ...patch,
  };
}

/** A dead-lettered event of the payment service's outbox, after three attempts. */
export function makeOutboxEvent(patch: Partial<OutboxEvent> = {}): OutboxEvent {
  return {
    id: 7,
    service: 'payment',
    topic: 'payment.event',
    key: 'refund-3',
    order_id: 42,
    summary: 'refund 3 of payment 5: 500 JPY',
    status: 'dead',
    attempts: 3,
    next_attempt_at: null,
    last_error: 'Unavailable: order service unreachable',
    trace_id: '0af7651916cd43dd8448eb211c80319c',
    created_at: '2025-04-01T00:00:00Z',
    delivered_at: null,
    delivery_attempts: [
      { attempt: 1, at: '2025-04-01T00:00:00Z', outcome: 'retry', error: 'Unavailable: order service unreachable', duration_ms: 3 },
      { attempt: 2, at: '2025-04-01T00:00:01Z', outcome: 'retry', error: 'Unavailable: order service unreachable', duration_ms: 2 },
      { attempt: 3, at: '2025-04-01T00:00:03Z', outcome: 'failed', error: 'Unavailable: order service unreachable', duration_ms: 2 },
    ],
    ...patch,
  };
}
