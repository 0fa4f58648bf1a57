import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeImport } from '@/test/fixtures';
import { jsonResponse, renderWithProviders, urlOf } from '@/test/render';
import { ColumnsHelp } from './ColumnsHelp';
import { ImportProgressPanel } from './ImportProgressPanel';

afterEach(() => {
  vi.unstubAllGlobals();
});

function stats(rate: number) {
  return vi.fn((req: Request) =>
    Promise.resolve(
      urlOf(req).pathname === '/api/v1/notifications/stats'
        ? jsonResponse({ queued: 40, sent: 60, failed: 0, rate_per_second: rate })
        : jsonResponse({}, 404),
    ),
  );
}

describe('the sending rate', () => {
  it('is the notification queue’s rate_per_second, beside the sent count while mails go out', async () => {
    vi.stubGlobal('fetch', stats(2.5));
    const imp = makeImport({ status: 'completed', processed_rows: 100, succeeded_rows: 100, orders_created: 100, notifications_queued: 100, notifications_sent: 60 });
    renderWithProviders(<ImportProgressPanel imp={imp} phase="idle" />, { lang: 'en' });
    expect(await screen.findByText('sending at 2.5/s')).toHaveAttribute('data-testid', 'sending-rate');
  });

  it('is named in the format help, in Japanese', async () => {
    vi.stubGlobal('fetch', stats(12));
    renderWithProviders(<ColumnsHelp />, { lang: 'ja' });
    expect(await screen.findByText(/1 秒に 12 通のペース/)).toHaveAttribute('data-testid', 'note-mail');
  });
});
