import { act, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveImport } from '../components/LiveImport';
import { makeImport } from '@/test/fixtures';
import { jsonResponse, renderWithProviders, urlOf } from '@/test/render';

/** Just enough of EventSource: listeners, close, and a way to emit. */
/** The one stream opened so far. */
function only(): FakeEventSource {
  expect(FakeEventSource.instances).toHaveLength(1);
  const es = FakeEventSource.instances[0];
  if (!es) throw new Error('no EventSource');
  return es;
}

class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];
  readyState = FakeEventSource.CONNECTING;
  private listeners = new Map<string, ((e: Event) => void)[]>();
  readonly url: string;
  constructor(url: string) {
    this.url = url;
    FakeEventSource.instances.push(this);
  }
  addEventListener(type: string, fn: (e: Event) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  removeEventListener() {}
  close() {
    this.readyState = FakeEventSource.CLOSED;
  }
  emit(type: string, data?: unknown) {
    if (type === 'open') this.readyState = FakeEventSource.OPEN;
    const e = data === undefined ? new Event(type) : new MessageEvent(type, { data: JSON.stringify(data) });
    act(() => {
      for (const fn of this.listeners.get(type) ?? []) fn(e);
    });
  }
}

const ID = '0190a1b2-0000-7000-8000-000000000001';

beforeEach(() => {
  FakeEventSource.instances = [];
  vi.stubGlobal('EventSource', FakeEventSource);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('useImportProgress (LiveImport)', () => {
  it('follows a running import over SSE to the end, then shows its refused rows', async () => {
    const fetchMock = vi.fn((input: RequestInfo | URL) => {
      const url = urlOf(input).pathname;
      if (url.endsWith(`/imports/${ID}/errors`)) {
        return Promise.resolve(jsonResponse({ errors: [{ row: 3, column: 'customer_email', code: 'invalid_email', reason: 'must be an e-mail address', params: {} }] }));
      }
      return Promise.resolve(jsonResponse(makeImport({ status: 'queued', total_rows: 4 })));
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<LiveImport id={ID} />, { lang: 'en' });

    await screen.findByTestId('import-progress');
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    const es = only();
    expect(es.url).toBe(`/api/v1/orders/imports/${ID}/events`);
    expect(screen.getByTestId('import-status')).toHaveAttribute('data-status', 'queued');

    es.emit('open');
    es.emit('progress', makeImport({ total_rows: 4, processed_rows: 2, succeeded_rows: 2, orders_created: 2, payments_total_amount: 5000 }));
    expect(screen.getByTestId('import-percent')).toHaveTextContent('50%');
    expect(screen.getByTestId('import-progress-bar')).toHaveAttribute('aria-valuenow', '50');
    expect(screen.getByTestId('live-indicator')).toHaveTextContent('Live');
    expect(screen.getByTestId('count-amount')).toHaveTextContent('￥5,000');
    expect(screen.queryByTestId('view-orders')).toBeNull();

    const done = makeImport({
      status: 'completed_with_errors',
      total_rows: 4,
      processed_rows: 4,
      succeeded_rows: 3,
      failed_rows: 1,
      orders_created: 3,
      payments_total_amount: 8000,
      notifications_queued: 3,
      notifications_sent: 1,
      finished_at: '2025-04-01T00:00:02Z',
    });
    es.emit('done', done);
    expect(es.readyState).toBe(FakeEventSource.CLOSED);
    expect(screen.getByTestId('import-status')).toHaveAttribute('data-status', 'completed_with_errors');
    expect(screen.getByTestId('import-percent')).toHaveTextContent('100%');
    expect(screen.getByTestId('count-sent')).toHaveTextContent('1');
    expect(screen.getByTestId('count-queued')).toHaveTextContent('3');
    expect(screen.getByTestId('view-orders')).toHaveAttribute('href', `/orders?batch=${ID}`);
    expect(screen.queryByTestId('live-indicator')).toBeNull();

    const row = await screen.findByTestId('row-error');
    expect(row).toHaveTextContent('customer_email');
    expect(row).toHaveTextContent('Not a valid email address');
    expect(screen.getByTestId('download-errors')).toHaveAttribute('href', `/api/v1/orders/imports/${ID}/errors?format=csv`);
    // One watch only: closed after done, not reopened.
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('opens no stream for a finished import', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(jsonResponse(makeImport({ status: 'completed', processed_rows: 100, succeeded_rows: 100, orders_created: 100 })))));
    renderWithProviders(<LiveImport id={ID} />, { lang: 'en' });
    expect(await screen.findByTestId('import-percent')).toHaveTextContent('100%');
    expect(screen.getByTestId('view-orders')).toBeInTheDocument();
    expect(FakeEventSource.instances).toHaveLength(0);
  });

  it('shows the problem of an error event', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(jsonResponse(makeImport()))));
    renderWithProviders(<LiveImport id={ID} />, { lang: 'en' });
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    only().emit('error', { status: 503, code: 'UNAVAILABLE', title: 'Service Unavailable', detail: 'a service is unavailable; try again shortly' });
    expect(screen.getByTestId('error-detail')).toHaveTextContent('a service is unavailable; try again shortly');
    expect(only().readyState).toBe(FakeEventSource.CLOSED);
  });

  it('shows the problem detail when the import cannot be loaded', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(jsonResponse({ status: 404, code: 'NOT_FOUND', title: 'Not Found', detail: 'no import "zzz"' }, 404, 'application/problem+json'))));
    renderWithProviders(<LiveImport id="zzz" />, { lang: 'en' });
    expect(await screen.findByTestId('error-detail')).toHaveTextContent('no import "zzz"');
  });
});
