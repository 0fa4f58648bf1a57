import { describe, expect, it } from 'vitest';
import { translate } from '@/lib/i18n';
import { attemptOutcome, describeEntry } from './describe';

const ja = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) => translate('ja', key, params);
const en = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) => translate('en', key, params);

describe('describeEntry', () => {
  it('words a status change with the status name alone', () => {
    expect(describeEntry({ kind: 'status_changed', summary: 'status shipped' }, ja)).toEqual({ label: 'ステータス: 発送済み', detail: null });
    expect(describeEntry({ kind: 'status_changed', summary: 'status payment_processing' }, en)).toEqual({ label: 'Status: Processing payment', detail: null });
  });
  it('keeps the summary of a status change it cannot read', () => {
    expect(describeEntry({ kind: 'status_changed', summary: 'status teleported' }, ja)).toEqual({ label: 'ステータス変更', detail: 'status teleported' });
  });
  it('labels the documented kinds and keeps the gateway’s summary beside them', () => {
    expect(describeEntry({ kind: 'payment_completed', summary: 'payment #1 of 1000 JPY by card' }, ja)).toEqual({ label: '決済完了', detail: 'payment #1 of 1000 JPY by card' });
    expect(describeEntry({ kind: 'api_call', summary: 'POST /api/v1/orders → 201' }, en)).toEqual({ label: 'API call', detail: 'POST /api/v1/orders → 201' });
  });
  it('shows only the summary of a kind it does not know', () => {
    expect(describeEntry({ kind: 'warehouse_picked', summary: 'picked at Chiba' }, ja)).toEqual({ label: null, detail: 'picked at Chiba' });
  });
});

describe('attemptOutcome', () => {
  it('reads the outcome of an attempt entry', () => {
    expect(attemptOutcome({ kind: 'notification_attempt', summary: 'email ORDER_CONFIRMATION: attempt 1: sent after 0 ms' })).toBe('sent');
    expect(attemptOutcome({ kind: 'event_attempt', summary: 'payment.event delivery: attempt 1: failed after 1 ms (Cancelled: Timeout expired)' })).toBe('failed');
    expect(attemptOutcome({ kind: 'notification_attempt', summary: 'sms ORDER_SHIPPED: attempt 2: retry after 3 ms (SMS provider answered 503: Service Unavailable)' })).toBe('retry');
    expect(attemptOutcome({ kind: 'notification_attempt', summary: 'email ORDER_CONFIRMATION: attempt 1: unconfirmed after 1000 ms (no answer…)' })).toBe('unconfirmed');
  });
  it('is null for other entries or an unreadable summary', () => {
    expect(attemptOutcome({ kind: 'status_changed', summary: 'status paid' })).toBeNull();
    expect(attemptOutcome({ kind: 'event_attempt', summary: 'something else' })).toBeNull();
    expect(attemptOutcome({ kind: 'event_attempt', summary: 'attempt 1: toString after 1 ms' })).toBeNull();
  });
});
