import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse } from '@/test/render';
import { ApiError, api, buildUrl, call, NETWORK_ERROR, problemToError, serializeQuery } from './api-client';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** The one request the mocked fetch got. */
function sent(fetchMock: ReturnType<typeof vi.fn>): Request {
  expect(fetchMock).toHaveBeenCalledTimes(1);
  const [req] = fetchMock.mock.calls[0] as [Request];
  return req;
}

describe('problemToError', () => {
  it('reads every member of a problem document, field errors with their code and parameters', () => {
    const e = problemToError(422, 'Unprocessable Entity', {
      type: 'https://ec.example/problems/validation',
      title: 'Validation failed',
      status: 422,
      detail: '2 fields are invalid',
      code: 'VALIDATION_FAILED',
      errors: [
        { field: 'customer_email', code: 'invalid_email', message: 'must be an e-mail address' },
        { field: 'items[0].quantity', code: 'out_of_range', message: 'must be between 1 and 10000', min: 1, max: 10000 },
      ],
      trace_id: 'abc123',
    });
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(422);
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.detail).toBe('2 fields are invalid');
    expect(e.message).toBe(e.detail);
    expect(e.fieldErrors).toEqual([
      { field: 'customer_email', code: 'invalid_email', message: 'must be an e-mail address', params: {} },
      { field: 'items[0].quantity', code: 'out_of_range', message: 'must be between 1 and 10000', params: { min: 1, max: 10000 } },
    ]);
    expect(e.traceId).toBe('abc123');
  });

  it('keeps the order id of a rejected payment', () => {
    const e = problemToError(422, '', { title: 'Payment rejected', status: 422, detail: 'amount over 1,000,000', code: 'PAYMENT_REJECTED', order_id: 42 });
    expect(e.code).toBe('PAYMENT_REJECTED');
    expect(e.orderId).toBe(42);
  });

  it('survives partial and malformed members', () => {
    const e = problemToError(409, 'Conflict', { detail: 5, errors: [{ field: 'x' }, 'junk', { field: 'a', message: 'b', nested: { no: 1 } }] });
    expect(e.code).toBe('HTTP_409');
    expect(e.title).toBe('Conflict');
    expect(e.detail).toBe('Conflict');
    expect(e.fieldErrors).toEqual([{ field: 'a', code: '', message: 'b', params: {} }]);
  });

  it('falls back to the HTTP status for a non-JSON body', () => {
    const e = problemToError(502, 'Bad Gateway', '<html>oops</html>');
    expect(e.status).toBe(502);
    expect(e.code).toBe('HTTP_502');
    expect(e.detail).toBe('Bad Gateway');
  });
});

describe('call(api...)', () => {
  it('returns the JSON body of a 2xx answer and sends JSON with the typed header', async () => {
    const fetchMock = vi.fn().mockResolvedValue(jsonResponse({ id: 1 }, 201));
    vi.stubGlobal('fetch', fetchMock);
    const body = { customer_name: 'a', customer_email: 'a@example.jp', items: [] };
    await expect(call(api.POST('/api/v1/orders', { body, params: { header: { 'Idempotency-Key': 'k' } } }))).resolves.toEqual({ id: 1 });
    const req = sent(fetchMock);
    expect(new URL(req.url).pathname).toBe('/api/v1/orders');
    expect(req.method).toBe('POST');
    expect(await req.json()).toEqual(body);
    expect(req.headers.get('Content-Type')).toBe('application/json');
    expect(req.headers.get('Idempotency-Key')).toBe('k');
  });

  it('fills path parameters and leaves absent query parameters out', async () => {
    const fetchMock = vi.fn().mockResolvedValue(jsonResponse({ orders: [], next_cursor: null }));
    vi.stubGlobal('fetch', fetchMock);
    await call(api.GET('/api/v1/orders', { params: { query: { limit: 20, cursor: undefined, status: undefined, customer_email: 'a+b@x.jp' } } }));
    expect(new URL(sent(fetchMock).url).search).toBe('?limit=20&customer_email=a%2Bb%40x.jp');

    const one = vi.fn().mockResolvedValue(jsonResponse({ id: 7 }));
    vi.stubGlobal('fetch', one);
    await call(api.GET('/api/v1/orders/{id}', { params: { path: { id: 7 } } }));
    expect(new URL(sent(one).url).pathname).toBe('/api/v1/orders/7');
  });

  it('throws an ApiError built from a problem+json answer', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(jsonResponse({ title: 'Conflict', status: 409, detail: 'refund exceeds the payment', code: 'OVER_REFUND' }, 409, 'application/problem+json')));
    const err = await call(api.POST('/api/v1/payments/refund', { body: { payment_id: 1 } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('OVER_REFUND');
    expect((err as ApiError).detail).toBe('refund exceeds the payment');
  });

  it('throws for an error status with an empty body', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response(null, { status: 500, statusText: 'Internal Server Error' })));
    const err = (await call(api.GET('/api/v1/notifications/stats')).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(500);
    expect(err.code).toBe('HTTP_500');
  });

  it('turns a failed connection into a NETWORK_ERROR', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    const err = (await call(api.GET('/api/v1/notifications/stats')).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe(NETWORK_ERROR);
    expect(err.isNetworkError).toBe(true);
    expect(err.status).toBe(0);
  });

  it('lets an abort through as it is', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new DOMException('aborted', 'AbortError')));
    const err = await call(api.GET('/api/v1/notifications/stats')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DOMException);
    expect((err as DOMException).name).toBe('AbortError');
  });
});

describe('query strings', () => {
  it('drop absent and blank values and encode the rest', () => {
    expect(serializeQuery({ status: 'paid', customer_email: 'a+b@x.jp', batch_id: '', cursor: undefined, x: null, limit: 20, dry_run: false })).toBe(
      'status=paid&customer_email=a%2Bb%40x.jp&limit=20&dry_run=false',
    );
    expect(buildUrl('/api/v1/orders/imports/x/errors', { format: 'csv' })).toBe('/api/v1/orders/imports/x/errors?format=csv');
    expect(buildUrl('/api/v1/orders/imports/x/events')).toBe('/api/v1/orders/imports/x/events');
  });

  it('refuse a nested value rather than send "[object Object]"', () => {
    expect(() => serializeQuery({ a: { b: 1 } })).toThrow(/only strings, numbers and booleans/);
  });
});
