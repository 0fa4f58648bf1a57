import { describe, expect, it } from 'vitest';
import { isNavActive, NAV_ITEMS } from './nav';

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
    ['/nowhere', []],
  ])('%s highlights %j', (path, expected) => {
    expect(active(path)).toEqual(expected);
  });
});
