import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '@/test/render';
import { StatusTimeline } from './StatusTimeline';

describe('StatusTimeline', () => {
  it('renders each step with its label, time and state', () => {
    renderWithProviders(
      <StatusTimeline
        current="paid"
        history={[
          { status: 'pending', at: '2025-04-01T00:00:00Z' },
          { status: 'payment_processing', at: '2025-04-01T00:00:01Z' },
          { status: 'paid', at: '2025-04-01T00:00:02Z' },
        ]}
      />,
      { lang: 'ja' },
    );
    const items = within(screen.getByTestId('status-timeline')).getAllByRole('listitem');
    expect(items.map((li) => li.dataset.status)).toEqual(['pending', 'payment_processing', 'paid', 'shipped', 'delivered']);
    expect(items[2]).toHaveAttribute('data-state', 'current');
    expect(items[2]).toHaveTextContent('支払い済み');
    expect(items[2]).toHaveTextContent('現在');
    expect(items[2]?.querySelector('time')).toHaveAttribute('datetime', '2025-04-01T00:00:02Z');
    expect(items[3]).toHaveAttribute('data-state', 'upcoming');
    expect(items[3]?.querySelector('time')).toBeNull();
  });

  it('says who took each step', () => {
    renderWithProviders(
      <StatusTimeline
        current="shipped"
        history={[
          { status: 'pending', at: '2025-04-01T00:00:00Z', actor: 'user:ops@example.jp' },
          { status: 'paid', at: '2025-04-01T00:00:02Z', actor: 'service:payment' },
          { status: 'shipped', at: '2025-04-02T00:00:00Z', actor: 'key:4:倉庫' },
        ]}
      />,
      { lang: 'ja' },
    );
    const actors = screen.getAllByTestId('status-actor').map((a) => a.textContent);
    expect(actors).toEqual(['ops@example.jp が実行', 'サービス payment が実行', 'API キー「倉庫」(#4) が実行']);
    // The upcoming step has nobody yet.
    expect(within(screen.getByTestId('status-timeline')).getAllByRole('listitem')).toHaveLength(4);
  });

  it('speaks English when asked', () => {
    renderWithProviders(<StatusTimeline current="cancelled" history={[{ status: 'cancelled', at: '2025-04-01T00:00:00Z' }]} />, { lang: 'en' });
    expect(screen.getByTestId('status-timeline')).toHaveTextContent('Cancelled');
  });
});
