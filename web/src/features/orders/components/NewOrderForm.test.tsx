import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, renderWithProviders, urlOf } from '@/test/render';
import { NewOrderForm } from './NewOrderForm';

afterEach(() => {
  vi.unstubAllGlobals();
});

async function fillValid(user: ReturnType<typeof userEvent.setup>, price = '1200') {
  await user.type(screen.getByLabelText('Name'), '山田 太郎');
  await user.type(screen.getByLabelText('Email'), 'taro@example.jp');
  await user.type(screen.getByLabelText('SKU'), '1001');
  await user.type(screen.getByLabelText('Product name'), '緑茶');
  await user.clear(screen.getByLabelText('Qty'));
  await user.type(screen.getByLabelText('Qty'), '2');
  await user.type(screen.getByLabelText('Unit price (JPY)'), price);
}

const paidOrder = {
  id: 7,
  customer_name: '山田 太郎',
  customer_email: 'taro@example.jp',
  customer_phone: null,
  shipping_address: null,
  items: [{ product_id: '1001', product_name: '緑茶', quantity: 2, unit_price: 1200, subtotal: 2400 }],
  total_amount: 2400,
  status: 'paid',
  batch_id: null,
  created_at: '2025-04-01T00:00:00Z',
  updated_at: '2025-04-01T00:00:00Z',
  status_history: [],
};

describe('NewOrderForm', () => {
  it('shows client-side errors beside the fields and sends nothing', async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    const user = userEvent.setup();
    renderWithProviders(<NewOrderForm />, { lang: 'en' });
    await user.type(screen.getByLabelText('Email'), 'not-an-email');
    await user.click(screen.getByTestId('submit-order'));
    expect(screen.getByTestId('error-customer_name')).toHaveTextContent('Required');
    expect(screen.getByTestId('error-customer_email')).toHaveTextContent('Not a valid email address');
    expect(screen.getByTestId('error-items-0-product_id')).toHaveTextContent('Required');
    expect(screen.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true');
    expect(fetchMock).not.toHaveBeenCalled();
    // Fixing a field clears its error live once the form was submitted.
    await user.type(screen.getByLabelText('Name'), 'Taro');
    expect(screen.queryByTestId('error-customer_name')).not.toBeInTheDocument();
  });

  it('computes the total and warns when it is over the payment limit', async () => {
    const user = userEvent.setup();
    renderWithProviders(<NewOrderForm />, { lang: 'en' });
    await fillValid(user, '1000000');
    expect(screen.getByTestId('draft-total')).toHaveTextContent('￥2,000,000');
    expect(screen.getByTestId('limit-warning')).toBeInTheDocument();
  });

  it('posts the order with an idempotency key and shows it paid', async () => {
    const fetchMock = vi.fn().mockResolvedValue(jsonResponse(paidOrder, 201));
    vi.stubGlobal('fetch', fetchMock);
    const user = userEvent.setup();
    renderWithProviders(<NewOrderForm />, { lang: 'en' });
    await fillValid(user);
    await user.click(screen.getByTestId('submit-order'));
    expect(await screen.findByTestId('order-created')).toHaveTextContent('Order #7 created');
    expect(screen.getByTestId('status-badge')).toHaveTextContent('Paid');
    expect(screen.getByTestId('open-created-order')).toHaveAttribute('href', '/orders/7');
    const [req] = fetchMock.mock.calls[0] as [Request];
    expect(urlOf(req).pathname).toBe('/api/v1/orders');
    expect(await req.json()).toEqual({
      customer_name: '山田 太郎',
      customer_email: 'taro@example.jp',
      items: [{ product_id: '1001', product_name: '緑茶', quantity: 2, unit_price: 1200 }],
    });
    expect(req.headers.get('Idempotency-Key')).toMatch(/.+/);
  });

  it('puts the server field errors beside the matching fields', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn().mockResolvedValue(
        jsonResponse(
          {
            type: 'about:blank',
            title: 'Validation failed',
            status: 422,
            detail: '3 fields are invalid',
            code: 'VALIDATION_FAILED',
            errors: [
              { field: 'customer_email', message: 'domain does not accept mail' },
              { field: 'items[0].quantity', message: 'out of stock' },
              { field: 'coupon', message: 'unknown coupon' },
            ],
          },
          422,
          'application/problem+json',
        ),
      ),
    );
    const user = userEvent.setup();
    renderWithProviders(<NewOrderForm />, { lang: 'en' });
    await fillValid(user);
    await user.click(screen.getByTestId('submit-order'));
    expect(await screen.findByTestId('error-customer_email')).toHaveTextContent('domain does not accept mail');
    expect(screen.getByTestId('error-items-0-quantity')).toHaveTextContent('out of stock');
    expect(screen.getByText(/unknown coupon/)).toBeInTheDocument();
    expect(screen.getByTestId('error-detail')).toHaveTextContent('3 fields are invalid');
    // Editing the field removes the server's complaint about it.
    await user.type(screen.getByLabelText('Email'), 'x');
    await waitFor(() => expect(screen.queryByTestId('error-customer_email')).not.toBeInTheDocument());
  });

  it('words the server field errors from their codes, in Japanese', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn().mockResolvedValue(
        jsonResponse(
          {
            type: 'about:blank',
            title: 'Unprocessable Entity',
            status: 422,
            detail: '2 fields are invalid',
            code: 'VALIDATION_FAILED',
            errors: [
              { field: 'customer_name', code: 'control_characters', message: 'must not contain control characters' },
              { field: 'items[0].quantity', code: 'out_of_range', message: 'must be between 1 and 10000', min: 1, max: 10000 },
            ],
          },
          422,
          'application/problem+json',
        ),
      ),
    );
    const user = userEvent.setup();
    renderWithProviders(<NewOrderForm />, { lang: 'ja' });
    await user.type(screen.getByLabelText('氏名'), '山田 太郎');
    await user.type(screen.getByLabelText('メールアドレス'), 'taro@example.jp');
    await user.type(screen.getByLabelText('商品コード'), '1001');
    await user.type(screen.getByLabelText('商品名'), '緑茶');
    await user.type(screen.getByLabelText('単価 (円)'), '1200');
    await user.click(screen.getByTestId('submit-order'));
    expect(await screen.findByTestId('error-items-0-quantity')).toHaveTextContent('1〜10,000 の範囲で入力してください');
    expect(screen.getByTestId('error-customer_name')).toHaveTextContent('タブなどの制御文字は使えません');
    expect(screen.getByTestId('error-detail')).toHaveTextContent('2 件の項目に問題があります');
    expect(screen.queryByText(/must be between/)).not.toBeInTheDocument();
  });

  it('shows a rejected payment with a link to the kept order, keeping the input', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn().mockResolvedValue(
        jsonResponse({ title: 'Payment rejected', status: 422, detail: 'amount 2000000 exceeds the limit of 1000000', code: 'PAYMENT_REJECTED', order_id: 9 }, 422, 'application/problem+json'),
      ),
    );
    const user = userEvent.setup();
    renderWithProviders(<NewOrderForm />, { lang: 'ja' });
    await user.type(screen.getByLabelText('氏名'), '山田 太郎');
    await user.type(screen.getByLabelText('メールアドレス'), 'taro@example.jp');
    await user.type(screen.getByLabelText('商品コード'), '1001');
    await user.type(screen.getByLabelText('商品名'), '高級品');
    await user.type(screen.getByLabelText('単価 (円)'), '2000000');
    await user.click(screen.getByTestId('submit-order'));
    const box = await screen.findByTestId('payment-rejected');
    expect(box).toHaveTextContent('決済が拒否されました');
    expect(box).toHaveTextContent('amount 2000000 exceeds the limit of 1000000');
    expect(screen.getByTestId('kept-order-link')).toHaveAttribute('href', '/orders/9');
    expect(screen.getByLabelText('氏名')).toHaveValue('山田 太郎');
  });
});
