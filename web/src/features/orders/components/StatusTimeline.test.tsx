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

  it('speaks English when asked', () => {
    renderWithProviders(<StatusTimeline current="cancelled" history={[{ status: 'cancelled', at: '2025-04-01T00:00:00Z' }]} />, { lang: 'en' });
    expect(screen.getByTestId('status-timeline')).toHaveTextContent('Cancelled');
  });
});
