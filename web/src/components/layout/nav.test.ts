import { describe, expect, it } from 'vitest';
import { isNavActive, NAV_ITEMS, navItemsFor } from './nav';

const active = (pathname: string) => NAV_ITEMS.filter((n) => isNavActive(n, pathname)).map((n) => n.to);

describe('isNavActive', () => {
  it.each([
    ['/', ['/']],
    ['/orders', ['/orders']],
    ['/orders/42', ['/orders']],
    ['/orders/new', ['/orders/new']],
    ['/imports', ['/imports']],
    ['/imports/0190-abc', ['/imports']],
    ['/templates', ['/templates']],
    ['/failures', ['/failures']],
    ['/users', ['/users']],
    ['/audit', ['/audit']],
    ['/nowhere', []],
  ])('%s highlights %j', (path, expected) => {
    expect(active(path)).toEqual(expected);
  });
});

describe('navItemsFor', () => {
  const paths = (role: Parameters<typeof navItemsFor>[0]) => navItemsFor(role).map((n) => n.to);
  it('offers a viewer no new order and no administration, but the delivery failures', () => {
    expect(paths('viewer')).toEqual(['/', '/orders', '/imports', '/templates', '/failures']);
  });
  it('offers an operator new orders, still no administration', () => {
    expect(paths('operator')).toEqual(['/', '/orders', '/orders/new', '/imports', '/templates', '/failures']);
  });
  it('offers an admin the users, API keys and audit pages', () => {
    expect(paths('admin')).toEqual(['/', '/orders', '/orders/new', '/imports', '/templates', '/failures', '/users', '/api-keys', '/audit']);
  });
});
