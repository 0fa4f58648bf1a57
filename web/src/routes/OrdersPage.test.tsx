import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, renderWithProviders, urlOf } from '@/test/render';
import { OrdersPage } from './OrdersPage';

afterEach(() => {
  vi.unstubAllGlobals();
});

const listUrls = (m: ReturnType<typeof vi.fn>) =>
  m.mock.calls.map(([u]) => urlOf(u as Request)).filter((u) => u.pathname === '/api/v1/orders');

describe('OrdersPage date sort', () => {
  it('asks the gateway for the order (order=asc), with the batch filter from the URL', async () => {
    const fetchMock = vi.fn(() => Promise.resolve(jsonResponse({ orders: [], next_cursor: null })));
    vi.stubGlobal('fetch', fetchMock);
    const user = userEvent.setup();
    renderWithProviders(<OrdersPage />, { lang: 'en', route: '/orders?batch=0190-b' });
    await screen.findByText('No orders match these filters');
    const first = listUrls(fetchMock).at(-1);
    expect(first?.searchParams.get('order')).toBeNull();
    expect(first?.searchParams.get('batch_id')).toBe('0190-b');

    await user.click(screen.getAllByRole('button', { name: /Sort by date/ })[0] as HTMLElement);
    await waitFor(() => expect(listUrls(fetchMock).at(-1)?.searchParams.get('order')).toBe('asc'));
    expect(listUrls(fetchMock).at(-1)?.searchParams.get('cursor')).toBeNull();
  });
});
