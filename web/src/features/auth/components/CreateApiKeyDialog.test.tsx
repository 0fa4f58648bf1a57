import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithProviders, urlOf } from '@/test/render';
import { CreateApiKeyDialog } from './CreateApiKeyDialog';

afterEach(() => {
  vi.unstubAllGlobals();
});

const KEY = 'sk_test_abcdefghijklmnopqrstuvwxyz0123456789';

function Harness() {
  const [open, setOpen] = useState(true);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>reopen</button>
      <CreateApiKeyDialog open={open} onClose={() => setOpen(false)} />
    </>
  );
}

describe('CreateApiKeyDialog', () => {
  it('shows the new key once, with a warning and a copy button, and forgets it when closed', async () => {
    let body: unknown;
    vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
      if (req.method === 'POST' && urlOf(req).pathname === '/api/v1/auth/api-keys') {
        body = await req.json();
        return new Response(JSON.stringify({ id: 7, name: '倉庫', role: 'operator', key: KEY, last4: '6789', created_at: '2026-01-01T00:00:00Z' }), {
          status: 201,
          headers: { 'Content-Type': 'application/json' },
        });
      }
      return new Response('[]', { headers: { 'Content-Type': 'application/json' } });
    }));
    const user = userEvent.setup();
    // After setup: user-event puts its own clipboard in place.
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    renderWithProviders(<Harness />);

    await user.type(screen.getByLabelText('名前'), '倉庫');
    await user.selectOptions(screen.getByLabelText('権限'), 'operator');
    await user.click(screen.getByTestId('submit-key'));
    expect(await screen.findByTestId('new-key')).toHaveValue(KEY);
    expect(body).toEqual({ name: '倉庫', role: 'operator' });
    expect(screen.getByTestId('key-once-warning')).toHaveTextContent('このキーが表示されるのは今だけです');

    await user.click(screen.getByTestId('copy-key'));
    expect(writeText).toHaveBeenCalledWith(KEY);
    expect(screen.getByTestId('copy-key')).toHaveTextContent('コピーしました');

    // A stray Escape does not throw the key away; the button does.
    await user.keyboard('{Escape}');
    expect(screen.getByTestId('new-key')).toBeInTheDocument();
    await user.click(screen.getByTestId('close-key'));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.body.innerHTML).not.toContain(KEY);

    await user.click(screen.getByText('reopen'));
    expect(await screen.findByLabelText('名前')).toHaveValue('');
    expect(document.body.innerHTML).not.toContain(KEY);
  });

  it('words the gateway’s field errors beside the name', async () => {
    vi.stubGlobal('fetch', vi.fn(() =>
      Promise.resolve(
        new Response(JSON.stringify({ status: 422, code: 'VALIDATION_FAILED', detail: 'name: too long', errors: [{ field: 'name', code: 'too_long', message: 'too long', max: 100 }] }), {
          status: 422,
          headers: { 'Content-Type': 'application/problem+json' },
        }),
      ),
    ));
    const user = userEvent.setup();
    renderWithProviders(<Harness />, { lang: 'en' });
    await user.type(screen.getByLabelText('Name'), 'ci');
    await user.click(screen.getByTestId('submit-key'));
    expect(await screen.findByTestId('error-key-name')).toHaveTextContent('100');
  });
});
