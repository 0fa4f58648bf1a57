import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Toaster } from '@/components/ui/Toaster';
import { makeOutboxEvent } from '@/test/fixtures';
import { jsonResponse, renderWithProviders, urlOf } from '@/test/render';
import type { OutboxEvent } from '@/lib/types';
import { DeadLetters } from './DeadLetters';

afterEach(() => {
  vi.unstubAllGlobals();
});

const refund = makeOutboxEvent({ id: 3, service: 'order', topic: 'order.refund', key: 'cancel-refund-44', order_id: 44, summary: 'refund of cancelled order 44', created_at: '2025-04-01T00:05:00Z', trace_id: null });
const payment = makeOutboxEvent();
const older = makeOutboxEvent({ id: 6, order_id: 41, summary: 'payment 4 completed: 1000 JPY', created_at: '2025-03-31T23:00:00Z' });

const noRoute = () => jsonResponse({ title: 'Not Found', status: 404, code: 'NOT_FOUND', detail: 'no such API route' }, 404, 'application/problem+json');

type Dead = { order: OutboxEvent[] | 'fail'; payment: OutboxEvent[] | 'fail' };

function gateway(state: Dead, post: (req: Request) => Response = () => jsonResponse({}, 500)) {
  return vi.fn((req: Request) => {
    const url = urlOf(req);
    if (req.method === 'POST') return Promise.resolve(post(req));
    const m = /^\/api\/v1\/outbox\/(order|payment)\/events$/.exec(url.pathname);
    if (m && url.searchParams.get('status') === 'dead') {
      const events = state[m[1] as keyof Dead];
      return Promise.resolve(events === 'fail' ? noRoute() : jsonResponse({ events, next_cursor: null }));
    }
    return Promise.resolve(noRoute());
  });
}

const ui = () => (
  <>
    <DeadLetters />
    <Toaster />
  </>
);

describe('DeadLetters', () => {
  it('lists both services’ dead letters in one list, newest first, with service, error and attempts', async () => {
    vi.stubGlobal('fetch', gateway({ order: [refund], payment: [payment, older] }));
    const user = userEvent.setup();
    renderWithProviders(ui(), { lang: 'ja', role: 'operator' });
    const rows = await screen.findAllByTestId('dead-event');
    expect(rows.map((r) => `${r.getAttribute('data-service')}:${r.getAttribute('data-event-id')}`)).toEqual(['order:3', 'payment:7', 'payment:6']);
    expect(within(rows[0]!).getByTestId('dead-event-service')).toHaveTextContent('注文サービス');
    expect(within(rows[1]!).getByTestId('dead-event-service')).toHaveTextContent('決済サービス');
    expect(within(rows[1]!).getByTestId('last-error')).toHaveTextContent('Unavailable: order service unreachable');
    expect(within(rows[1]!).getByTestId('failure-attempts')).toHaveTextContent('試行 3 回');
    expect(within(rows[1]!).getByTestId('failure-order-link')).toHaveAttribute('href', '/orders/42');
    expect(screen.getByTestId('dead-letters-count')).toHaveTextContent('3 件');
    await user.click(within(rows[1]!).getByText('試行の記録（3 回）'));
    expect(within(rows[1]!).getAllByTestId('attempt').map((a) => a.getAttribute('data-outcome'))).toEqual(['retry', 'retry', 'failed']);
  });

  it('retries one at its own service', async () => {
    const state: Dead = { order: [refund], payment: [payment] };
    const posts: string[] = [];
    vi.stubGlobal(
      'fetch',
      gateway(state, (req) => {
        posts.push(urlOf(req).pathname);
        state.payment = [];
        return jsonResponse({ ...payment, status: 'pending' });
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(ui(), { lang: 'ja', role: 'operator' });
    const row = (await screen.findAllByTestId('dead-event')).find((r) => r.getAttribute('data-service') === 'payment')!;
    await user.click(within(row).getByTestId('retry-dead-event'));
    expect(await screen.findByText('イベント #7（決済サービス）をもう一度配送します')).toBeInTheDocument();
    expect(posts).toEqual(['/api/v1/outbox/payment/events/7/retry']);
    await waitFor(() => expect(screen.getAllByTestId('dead-event')).toHaveLength(1));
  });

  it('words a 409 (not dead any more) as news', async () => {
    vi.stubGlobal(
      'fetch',
      gateway({ order: [], payment: [payment] }, () =>
        jsonResponse({ title: 'Conflict', status: 409, code: 'NOT_DEAD_LETTERED', detail: 'event 7 is pending' }, 409, 'application/problem+json'),
      ),
    );
    const user = userEvent.setup();
    renderWithProviders(ui(), { lang: 'en', role: 'operator' });
    await user.click(await screen.findByTestId('retry-dead-event'));
    // The toast store is the app's one: earlier tests' toasts may still be there.
    const toast = (await screen.findByText(/Event #7 is not a dead letter any more/)).closest('[data-testid=toast]');
    expect(toast).toHaveAttribute('data-kind', 'info');
  });

  it('retries all: every service, after a confirmation, and adds up what went again', async () => {
    const state: Dead = { order: [refund], payment: [payment, older] };
    const posts: string[] = [];
    vi.stubGlobal(
      'fetch',
      gateway(state, (req) => {
        const p = urlOf(req).pathname;
        posts.push(p);
        if (p.includes('/order/')) state.order = [];
        else state.payment = [];
        return jsonResponse({ requeued: p.includes('/order/') ? 1 : 2 });
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(ui(), { lang: 'ja', role: 'operator' });
    await user.click(await screen.findByTestId('retry-all-dead'));
    expect(screen.getByRole('dialog')).toHaveTextContent('デッドレター（3 件）');
    await user.click(screen.getByTestId('confirm-retry-all-dead'));
    expect(await screen.findByText('3 件のイベントをもう一度配送します')).toBeInTheDocument();
    expect(posts.sort()).toEqual(['/api/v1/outbox/order/retry-dead', '/api/v1/outbox/payment/retry-dead']);
    expect(await screen.findByTestId('dead-letters-empty')).toHaveTextContent('デッドレターはありません');
  });

  it('shows one service’s dead letters when the other does not answer, and says which is missing', async () => {
    vi.stubGlobal('fetch', gateway({ order: 'fail', payment: [payment] }));
    renderWithProviders(ui(), { lang: 'ja', role: 'operator' });
    const partial = await screen.findByTestId('dead-letters-partial');
    expect(partial).toHaveTextContent('注文サービスのデッドレターを読み込めませんでした');
    expect(partial).toHaveTextContent('no such API route');
    expect(screen.getAllByTestId('dead-event')).toHaveLength(1);
    expect(screen.queryByTestId('dead-letters-count')).toBeInTheDocument();
  });

  it('says the dead letters could not be loaded when no service answers', async () => {
    vi.stubGlobal('fetch', gateway({ order: 'fail', payment: 'fail' }));
    renderWithProviders(ui(), { lang: 'ja', role: 'operator' });
    const error = await screen.findByTestId('dead-letters-error');
    expect(error).toHaveTextContent('デッドレターを読み込めませんでした');
    expect(error).toHaveTextContent('no such API route');
    expect(error).toHaveAttribute('data-code', 'NOT_FOUND');
    expect(screen.queryByTestId('dead-letters-count')).not.toBeInTheDocument();
    expect(screen.queryByTestId('retry-all-dead')).not.toBeInTheDocument();
  });

  it('offers a viewer no retry', async () => {
    vi.stubGlobal('fetch', gateway({ order: [refund], payment: [payment] }));
    renderWithProviders(ui(), { lang: 'en', role: 'viewer' });
    expect(await screen.findAllByTestId('dead-event')).toHaveLength(2);
    expect(screen.queryByTestId('retry-dead-event')).not.toBeInTheDocument();
    expect(screen.queryByTestId('retry-all-dead')).not.toBeInTheDocument();
  });
});
