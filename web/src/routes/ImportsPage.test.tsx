import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeImport } from '@/test/fixtures';
import { jsonResponse, renderWithProviders, urlOf } from '@/test/render';
import { ImportsPage } from './ImportsPage';

afterEach(() => {
  vi.unstubAllGlobals();
});

const GOOD = 'customer_name,customer_email,product_id,product_name,quantity,unit_price\n山田,taro@example.jp,1,茶,1,100\n';

function route(post: (req: Request) => Response | Promise<Response>) {
  return vi.fn((req: Request) => {
    if (req.method === 'POST') return Promise.resolve(post(req));
    if (urlOf(req).pathname === '/api/v1/orders/imports') return Promise.resolve(jsonResponse({ imports: [], next_cursor: null }));
    return Promise.resolve(jsonResponse({}, 404));
  });
}

describe('ImportsPage', () => {
  it('checks the file before sending: type and header', async () => {
    const fetchMock = route(() => jsonResponse({}, 500));
    vi.stubGlobal('fetch', fetchMock);
    const user = userEvent.setup({ applyAccept: false });
    renderWithProviders(<ImportsPage />, { lang: 'en' });
    expect(await screen.findByText('No imports yet')).toBeInTheDocument();

    await user.upload(screen.getByTestId('import-file'), new File(['x'], 'photo.png', { type: 'image/png' }));
    expect(await screen.findByTestId('file-problem')).toHaveTextContent('“photo.png” is not a CSV file');
    expect(screen.getByTestId('dry-run')).toBeDisabled();

    await user.upload(screen.getByTestId('import-file'), new File(['name,email\na,b\n'], 'orders.csv', { type: 'text/csv' }));
    await waitFor(() => expect(screen.getByTestId('file-problem')).toHaveTextContent('Required columns are missing: customer_name, customer_email, product_id'));
    expect(screen.getByTestId('start-import')).toBeDisabled();
    expect(fetchMock.mock.calls.filter(([req]) => req.method === 'POST')).toHaveLength(0);
  });

  it('sends a dry run as multipart with the options and shows the refused rows', async () => {
    let sent: { url: URL; type: string | null; body: string } | undefined;
    const fetchMock = route(async (req) => {
      sent = { url: urlOf(req), type: req.headers.get('Content-Type'), body: await req.text() };
      return jsonResponse({
        ...makeImport({ status: 'validated', dry_run: true, total_rows: 4, processed_rows: 4, succeeded_rows: 1, failed_rows: 3, encoding: 'shift_jis' }),
        errors: [
          { row: 3, column: 'customer_email', code: 'invalid_email', reason: 'must be an e-mail address', params: {} },
          { row: 4, column: 'quantity', code: 'out_of_range', reason: 'must be between 1 and 10000', params: { min: 1, max: 10000 } },
          { row: 5, column: '', code: 'some_new_code', reason: 'a reason only the gateway knows', params: {} },
        ],
      });
    });
    vi.stubGlobal('fetch', fetchMock);
    const user = userEvent.setup();
    renderWithProviders(<ImportsPage />, { lang: 'en' });

    await user.upload(screen.getByTestId('import-file'), new File([GOOD], 'orders.csv', { type: 'text/csv' }));
    await waitFor(() => expect(screen.getByTestId('dry-run')).toBeEnabled());
    await user.selectOptions(screen.getByTestId('import-encoding'), 'shift_jis');
    await user.click(screen.getByTestId('import-digest'));
    await user.click(screen.getByTestId('dry-run'));

    const report = await screen.findByTestId('dry-run-report');
    expect(sent?.url.pathname).toBe('/api/v1/orders/imports');
    expect(Object.fromEntries(sent?.url.searchParams ?? [])).toMatchObject({ dry_run: 'true', encoding: 'shift_jis', digest: 'true', file_name: 'orders.csv' });
    // The file's bytes as the document's text/csv body.
    expect(sent?.type).toBe('text/csv');
    expect(sent?.body).toBe(GOOD);

    expect(within(report).getByTestId('dry-total')).toHaveTextContent('4');
    expect(within(report).getByTestId('dry-valid')).toHaveTextContent('1');
    expect(within(report).getByTestId('dry-failed')).toHaveTextContent('3');
    const rows = within(report).getAllByTestId('row-error');
    expect(rows.map((r) => r.getAttribute('data-row'))).toEqual(['3', '4', '5']);
    expect(rows[1]).toHaveTextContent('quantity');
    // Worded from the code and its parameters; the English reason only for a code we do not know.
    const reasons = within(report).getAllByTestId('row-error-reason').map((r) => r.textContent);
    expect(reasons).toEqual(['Not a valid email address', 'Enter a value from 1 to 10,000', 'a reason only the gateway knows']);
  });

  it('shows the gateway problem when the file is refused as a whole', async () => {
    vi.stubGlobal(
      'fetch',
      route(() =>
        jsonResponse(
          { status: 422, code: 'TOO_MANY_ROWS', title: 'Unprocessable Entity', detail: 'the file has 10001 data rows; at most 10000 are allowed' },
          422,
          'application/problem+json',
        ),
      ),
    );
    const user = userEvent.setup();
    renderWithProviders(<ImportsPage />, { lang: 'en' });
    await user.upload(screen.getByTestId('import-file'), new File([GOOD], 'big.csv', { type: 'text/csv' }));
    await waitFor(() => expect(screen.getByTestId('start-import')).toBeEnabled());
    await user.click(screen.getByTestId('start-import'));
    const box = await screen.findByTestId('import-error');
    expect(within(box).getByTestId('error-detail')).toHaveTextContent('at most 10000 are allowed');
    expect(box).toHaveTextContent('TOO_MANY_ROWS');
  });
});
