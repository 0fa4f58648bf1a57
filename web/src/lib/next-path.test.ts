import { describe, expect, it } from 'vitest';
import { loginPath, safeNext } from './next-path';

describe('safeNext', () => {
  it.each([
    ['/orders/12', '/orders/12'],
    ['/orders?status=paid&limit=3', '/orders?status=paid&limit=3'],
    ['/imports/0190#errors', '/imports/0190#errors'],
    ['/', '/'],
  ])('follows the path %s', (raw, want) => {
    expect(safeNext(raw)).toBe(want);
  });

  it.each([
    [null],
    [''],
    ['orders'],
    ['//evil.example/orders'],
    ['/\\evil.example'],
    ['https://evil.example/'],
    ['javascript:alert(1)'],
    ['/orders\n/x'],
    ['/login'],
    ['/login?next=/orders'],
    [`/${'a'.repeat(3000)}`],
  ])('refuses %j (goes to the dashboard)', (raw) => {
    expect(safeNext(raw)).toBe('/');
  });
});

describe('loginPath', () => {
  it('carries where the person was', () => {
    expect(loginPath({ pathname: '/orders/12' })).toBe('/login?next=%2Forders%2F12');
    expect(loginPath({ pathname: '/orders', search: '?status=paid' })).toBe('/login?next=%2Forders%3Fstatus%3Dpaid');
  });

  it('says nothing for the dashboard or the sign-in page', () => {
    expect(loginPath({ pathname: '/' })).toBe('/login');
    expect(loginPath({ pathname: '/login', search: '?next=/x' })).toBe('/login');
  });
});
