import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, renderWithProviders, urlOf } from '@/test/render';
import type { OrderTimeline as Timeline } from '@/lib/types';
import { OrderTimeline } from './OrderTimeline';

afterEach(() => {
  vi.unstubAllGlobals();
});

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const timeline: Timeline = {
  order_id: 42,
  events: [
    { at: '2025-04-01T00:00:00Z', source: 'gateway', kind: 'api_call', summary: 'POST /api/v1/orders → 201', actor: 'user:admin@example.jp', trace_id: TRACE, trace_url: `http://127.0.0.1:16686/trace/${TRACE}` },
    { at: '2025-04-01T00:00:00.200Z', source: 'order', kind: 'status_changed', summary: 'status paid', actor: 'service:payment', trace_id: TRACE, trace_url: null },
    { at: '2025-04-01T00:00:01Z', source: 'notification', kind: 'notification_attempt', summary: 'email ORDER_CONFIRMATION: attempt 1: failed after 3 ms (550 no such user)', actor: null, trace_id: null, trace_url: null },
  ],
  unavailable: [],
};

function gateway(answer: () => Response) {
  return vi.fn((req: Request) => Promise.resolve(urlOf(req).pathname === '/api/v1/orders/42/timeline' ? answer() : jsonResponse({}, 404)));
}

describe('OrderTimeline', () => {
  it('shows every entry in order: time, source, summary, who, and the trace', async () => {
    vi.stubGlobal('fetch', gateway(() => jsonResponse(timeline)));
    renderWithProviders(<OrderTimeline orderId={42} />, { lang: 'ja' });
    const rows = await screen.findAllByTestId('timeline-entry');
    expect(rows.map((r) => r.getAttribute('data-source'))).toEqual(['gateway', 'order', 'notification']);
    expect(rows.map((r) => within(r).getByTestId('timeline-source').textContent)).toEqual(['ゲートウェイ', '注文', '通知']);
    // In the operator's words from the kind; the gateway's English summary beside it when it says more.
    expect(within(rows[1]!).getByTestId('timeline-summary')).toHaveTextContent(/^ステータス: 支払い済み$/);
    expect(within(rows[0]!).getByTestId('timeline-summary')).toHaveTextContent('API 呼び出しPOST /api/v1/orders → 201');
    expect(within(rows[2]!).getByTestId('timeline-summary')).toHaveTextContent('通知の送信失敗email ORDER_CONFIRMATION: attempt 1: failed after 3 ms (550 no such user)');
    expect(rows[2]).toHaveAttribute('data-outcome', 'failed');
    expect(within(rows[0]!).getByTestId('timeline-actor')).toHaveTextContent('admin@example.jp が実行');
    expect(within(rows[1]!).getByTestId('timeline-actor')).toHaveTextContent('サービス payment が実行');
    // A trace with an address is a link that opens a new tab; one without shows its id.
    const link = within(rows[0]!).getByTestId('timeline-trace-link');
    expect(link).toHaveAttribute('href', `http://127.0.0.1:16686/trace/${TRACE}`);
    expect(link).toHaveAttribute('target', '_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(within(rows[1]!).queryByTestId('timeline-trace-link')).not.toBeInTheDocument();
    expect(within(rows[1]!).getByTestId('timeline-trace-id')).toHaveTextContent(TRACE);
    expect(within(rows[2]!).queryByTestId('timeline-trace-id')).not.toBeInTheDocument();
    expect(screen.queryByTestId('timeline-unavailable')).not.toBeInTheDocument();
  });

  it('says which sources could not be read', async () => {
    vi.stubGlobal('fetch', gateway(() => jsonResponse({ ...timeline, unavailable: ['payment', 'notification'] })));
    renderWithProviders(<OrderTimeline orderId={42} />, { lang: 'ja' });
    const notice = await screen.findByTestId('timeline-unavailable');
    expect(notice).toHaveTextContent('タイムラインの一部を読み込めませんでした（決済、通知）');
    expect(screen.getAllByTestId('timeline-entry')).toHaveLength(3);
  });

  it('does not link a trace address that is not http(s)', async () => {
    const [first] = timeline.events;
    vi.stubGlobal('fetch', gateway(() => jsonResponse({ ...timeline, events: [{ ...first!, trace_url: 'javascript:alert(1)' }] })));
    renderWithProviders(<OrderTimeline orderId={42} />, { lang: 'en' });
    const row = await screen.findByTestId('timeline-entry');
    expect(within(row).queryByTestId('timeline-trace-link')).not.toBeInTheDocument();
    expect(within(row).getByTestId('timeline-trace-id')).toHaveTextContent(TRACE);
  });

  it('says the timeline could not be loaded, with the gateway’s words', async () => {
    vi.stubGlobal('fetch', gateway(() => jsonResponse({ title: 'Not Found', status: 404, code: 'NOT_FOUND', detail: 'no such API route' }, 404, 'application/problem+json')));
    renderWithProviders(<OrderTimeline orderId={42} />, { lang: 'en' });
    const error = await screen.findByTestId('timeline-error');
    expect(error).toHaveTextContent('The timeline could not be loaded');
    expect(error).toHaveTextContent('no such API route');
  });
});
