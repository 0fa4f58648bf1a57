import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api-client';
import { jsonResponse } from '@/test/render';
import { getReadiness } from './get-readiness';

afterEach(() => {
  vi.unstubAllGlobals();
});

const degraded = { status: 'degraded', services: { order: 'serving', payment: 'unreachable', notification: 'serving' } };

describe('getReadiness', () => {
  it('reads the 503 answer of a degraded gateway as data', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(jsonResponse(degraded, 503)));
    await expect(getReadiness()).resolves.toEqual(degraded);
  });

  it('throws the problem of any other error answer', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(jsonResponse({ status: 502, code: 'BAD_GATEWAY', title: 'Bad Gateway', detail: 'no upstream' }, 502, 'application/problem+json')));
    const err = (await getReadiness().catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('BAD_GATEWAY');
  });
});
