import { describe, expect, it } from 'vitest';
import { readAuditFilters, statusTone } from './audit-filters';

describe('readAuditFilters', () => {
  it('reads the filters and leaves out blank ones', () => {
    expect(readAuditFilters(new URLSearchParams('actor=user:a@example.jp&target=%20/api/v1/orders/12%20&limit=3'))).toEqual({
      actor: 'user:a@example.jp',
      target: '/api/v1/orders/12',
      limit: 3,
    });
    expect(readAuditFilters(new URLSearchParams('actor=&target=%20&limit='))).toEqual({ actor: undefined, target: undefined, limit: undefined });
  });

  it('drops a page size the gateway would refuse', () => {
    expect(readAuditFilters(new URLSearchParams('limit=0')).limit).toBeUndefined();
    expect(readAuditFilters(new URLSearchParams('limit=201')).limit).toBeUndefined();
    expect(readAuditFilters(new URLSearchParams('limit=2.5')).limit).toBeUndefined();
  });
});

describe('statusTone', () => {
  it.each([
    [200, 'ok'],
    [204, 'ok'],
    [401, 'refused'],
    [409, 'refused'],
    [503, 'failed'],
  ])('%i is %s', (status, tone) => {
    expect(statusTone(status)).toBe(tone);
  });
});
