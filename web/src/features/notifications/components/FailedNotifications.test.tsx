import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Toaster } from '@/components/ui/Toaster';
import { makeNotification } from '@/test/fixtures';
import { jsonResponse, renderWithProviders, urlOf } from '@/test/render';
import type { Notification } from '@/lib/types';
import { FailedNotifications } from './FailedNotifications';

afterEach(() => {
  vi.unstubAllGlobals();
});

const down = makeNotification({
  id: 12,
  order_id: 43,
  recipient: '+819011110002',
  attempts: 3,
  last_error: 'SMS provider answered 503: Service Unavailable',
  delivery_attempts: [
    { attempt: 1, at: '2025-04-01T00:00:01Z', outcome: 'retry', error: 'SMS provider answered 503: Service Unavailable', duration_ms: 4 },
    { attempt: 2, at: '2025-04-01T00:00:02Z', outcome: 'retry', error: 'SMS provider answered 503: Service Unavailable', duration_ms: 3 },
    { attempt: 3, at: '2025-04-01T00:00:04Z', outcome: 'failed', error: 'SMS provider answered 503: Service Unavailable', duration_ms: 3 },
  ],
});

/** The gateway: the failed list is `failed` (changed by the handlers), POSTs answered by `post`. */
function gateway(state: { failed: Notification[] }, post: (req: Request) => Response) {
  return vi.fn((req: Request) => {
    const url = urlOf(req);
    if (req.method === 'POST') return Promise.resolve(post(req));
    if (url.pathname === '/api/v1/notifications' && url.searchParams.get('status') === 'failed') {
      return Promise.resolve(jsonResponse({ notifications: state.failed, next_cursor: null }));
    }
    return Promise.resolve(jsonResponse({}, 404));
  });
}

function ui() {
  return (
    <>
      <FailedNotifications />
      <Toaster />
    </>
  );
}

describe('FailedNotifications', () => {
  it('lists each failed notification with its order, last error and every attempt', async () => {
    vi.stubGlobal('fetch', gateway({ failed: [down, makeNotification()] }, () => jsonResponse({}, 500)));
    const user = userEvent.setup();
    renderWithProviders(ui(), { lang: 'en', role: 'operator' });
    const rows = await screen.findAllByTestId('failed-notification');
    expect(rows.map((r) => r.getAttribute('data-notification-id'))).toEqual(['12', '11']);
    expect(screen.getByTestId('failed-notifications-count')).toHaveTextContent('2');
    const first = rows[0]!;
    expect(within(first).getByTestId('last-error')).toHaveTextContent('SMS provider answered 503: Service Unavailable');
    expect(within(first).getByTestId('failure-attempts')).toHaveTextContent('3 attempts');
    expect(within(first).getByTestId('failure-order-link')).toHaveAttribute('href', '/orders/43');
    await user.click(within(first).getByText('Attempts (3)'));
    expect(within(first).getAllByTestId('attempt').map((a) => a.getAttribute('data-outcome'))).toEqual(['retry', 'retry', 'failed']);
    expect(within(first).getAllByText('Will retry')).toHaveLength(2);
  });

  it('retries one: POSTs its retry, says so, and the list is asked again', async () => {
    const state = { failed: [down, makeNotification()] };
    const posts: string[] = [];
    const fetchMock = gateway(state, (req) => {
      posts.push(urlOf(req).pathname);
      state.failed = [makeNotification()];
      return jsonResponse({ ...down, status: 'queued' });
    });
    vi.stubGlobal('fetch', fetchMock);
    const user = userEvent.setup();
    renderWithProviders(ui(), { lang: 'en', role: 'operator' });
    const rows = await screen.findAllByTestId('failed-notification');
    await user.click(within(rows[0]!).getByTestId('retry-notification'));
    expect(await screen.findByText('Notification #12 is queued again')).toBeInTheDocument();
    expect(posts).toEqual(['/api/v1/notifications/12/retry']);
    await waitFor(() => expect(screen.getAllByTestId('failed-notification')).toHaveLength(1));
  });

  it('words a 409 (no longer failed) as news, not as an error', async () => {
    vi.stubGlobal(
      'fetch',
      gateway({ failed: [makeNotification()] }, () =>
        jsonResponse({ title: 'Conflict', status: 409, code: 'NOTIFICATION_NOT_FAILED', detail: 'notification 11 is sent' }, 409, 'application/problem+json'),
      ),
    );
    const user = userEvent.setup();
    renderWithProviders(ui(), { lang: 'ja', role: 'operator' });
    await user.click(await screen.findByTestId('retry-notification'));
    // The toast store is the app's one: earlier tests' toasts may still be there.
    const toast = (await screen.findByText(/通知 #11 はもう失敗の状態ではありません/)).closest('[data-testid=toast]');
    expect(toast).toHaveAttribute('data-kind', 'info');
  });

  it('retries all after a confirmation that says how many', async () => {
    const state = { failed: [down, makeNotification()] };
    const posts: string[] = [];
    vi.stubGlobal(
      'fetch',
      gateway(state, (req) => {
        posts.push(urlOf(req).pathname);
        state.failed = [];
        return jsonResponse({ requeued: 2 });
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(ui(), { lang: 'ja', role: 'operator' });
    await user.click(await screen.findByTestId('retry-all-notifications'));
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent('送信に失敗した通知（2 件）');
    expect(posts).toEqual([]);
    await user.click(within(dialog).getByTestId('confirm-retry-all-notifications'));
    expect(await screen.findByText('2 件の通知を送信キューに入れました')).toBeInTheDocument();
    expect(posts).toEqual(['/api/v1/notifications/retry-failed']);
    expect(await screen.findByTestId('failed-notifications-empty')).toHaveTextContent('送信に失敗した通知はありません');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('offers a viewer the list without a retry button', async () => {
    vi.stubGlobal('fetch', gateway({ failed: [down] }, () => jsonResponse({}, 500)));
    renderWithProviders(ui(), { lang: 'en', role: 'viewer' });
    await screen.findByTestId('failed-notification');
    expect(screen.queryByTestId('retry-notification')).not.toBeInTheDocument();
    expect(screen.queryByTestId('retry-all-notifications')).not.toBeInTheDocument();
  });

  it('says what could not be loaded, with the gateway’s detail and code', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(jsonResponse({ title: 'Service Unavailable', status: 503, code: 'UNAVAILABLE', detail: 'the notification service is unavailable' }, 503, 'application/problem+json'))));
    renderWithProviders(ui(), { lang: 'en', role: 'operator' });
    const error = await screen.findByTestId('failed-notifications-error');
    expect(error).toHaveTextContent('The failed notifications could not be loaded');
    expect(error).toHaveTextContent('the notification service is unavailable');
    expect(error).toHaveAttribute('data-code', 'UNAVAILABLE');
  });
});
