import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse } from '@/test/render';
import { ApiError, apiFetch, buildUrl, NETWORK_ERROR, problemToError } from './api-client';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('problemToError', () => {
  it('reads every member of a problem document', () => {
    const e = problemToError(422, 'Unprocessable Entity', {
      type: 'https://ec.example/problems/validation',
      title: 'Validation failed',
      status: 422,
      detail: 'customer_email is not an email address',
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'customer_email', message: 'not an email address' }, { field: 'items[0].quantity', message: 'must be at least 1' }],
      trace_id: 'abc123',
    });
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(422);
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.detail).toBe('customer_email is not an email address');
    expect(e.message).toBe(e.detail);
    expect(e.fieldErrors).toEqual([
      { field: 'customer_email', message: 'not an email address' },
      { field: 'items[0].quantity', message: 'must be at least 1' },
    ]);
    expect(e.traceId).toBe('abc123');
  });

  it('keeps the order id of a rejected payment', () => {
    const e = problemToError(422, '', { title: 'Payment rejected', status: 422, detail: 'amount over 1,000,000', code: 'PAYMENT_REJECTED', order_id: 42 });
    expect(e.code).toBe('PAYMENT_REJECTED');
    expect(e.orderId).toBe(42);
  });

  it('survives partial and malformed members', () => {
    const e = problemToError(409, 'Conflict', { detail: 5, errors: [{ field: 'x' }, 'junk', { field: 'a', message: 'b' }] });
    expect(e.code).toBe('HTTP_409');
    expect(e.title).toBe('Conflict');
    expect(e.detail).toBe('Conflict');
    expect(e.fieldErrors).toEqual([{ field: 'a', message: 'b' }]);
  });

  it('falls back to the HTTP status for a non-JSON body', () => {
    const e = problemToError(502, 'Bad Gateway', '<html>oops</html>');
    expect(e.status).toBe(502);
    expect(e.code).toBe('HTTP_502');
    expect(e.detail).toBe('Bad Gateway');
  });
});

describe('apiFetch', () => {
  it('returns the JSON body of a 2xx answer and sends JSON', async () => {
    const fetchMock = vi.fn().mockResolvedValue(jsonResponse({ id: 1 }, 201));
    vi.stubGlobal('fetch', fetchMock);
    await expect(apiFetch('/api/v1/orders', { method: 'POST', body: { a: 1 }, headers: { 'Idempotency-Key': 'k' } })).resolves.toEqual({ id: 1 });
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/api/v1/orders');
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"a":1}');
    expect(init.headers).toMatchObject({ 'Content-Type': 'application/json', 'Idempotency-Key': 'k' });
  });

  it('throws an ApiError built from a problem+json answer', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(jsonResponse({ title: 'Conflict', status: 409, detail: 'refund exceeds the payment', code: 'OVER_REFUND' }, 409, 'application/problem+json')));
    const err = await apiFetch('/api/v1/payments/refund', { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('OVER_REFUND');
    expect((err as ApiError).detail).toBe('refund exceeds the payment');
  });

  it('turns a failed connection into a NETWORK_ERROR', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    const err = (await apiFetch('/x').catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe(NETWORK_ERROR);
    expect(err.isNetworkError).toBe(true);
    expect(err.status).toBe(0);
  });

  it('accepts listed error statuses as data (503 from /readyz)', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(jsonResponse({ status: 'degraded' }, 503)));
    await expect(apiFetch('/readyz', { acceptStatuses: [503] })).resolves.toEqual({ status: 'degraded' });
  });

  it('returns undefined for an empty body', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response(null, { status: 204 })));
    await expect(apiFetch('/x')).resolves.toBeUndefined();
  });
});

describe('buildUrl', () => {
  it('drops empty query values and encodes the rest', () => {
    expect(buildUrl('/api/v1/orders', { status: 'paid', customer_email: 'a+b@x.jp', batch_id: '', cursor: undefined, limit: 20 })).toBe(
      '/api/v1/orders?status=paid&customer_email=a%2Bb%40x.jp&limit=20',
    );
  });
});
