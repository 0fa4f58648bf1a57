import { describe, expect, it } from 'vitest';
import { can, MIN_ROLE, ROLES, type Capability } from './access';

const allowed = (role: (typeof ROLES)[number]) => (Object.keys(MIN_ROLE) as Capability[]).filter((c) => can(role, c));

describe('the role → capability table (the gateway’s rule)', () => {
  it('lets a viewer read only', () => {
    expect(allowed('viewer')).toEqual(['read']);
  });

  it('lets an operator create, cancel, ship and deliver orders, run imports, send notifications, retry deliveries', () => {
    expect(allowed('operator')).toEqual(['read', 'orders.create', 'orders.cancel', 'orders.status', 'imports.run', 'notifications.send', 'deliveries.retry']);
  });

  it('lets an admin do everything, payments, refunds, templates, users, keys and the audit log too', () => {
    expect(allowed('admin')).toEqual(Object.keys(MIN_ROLE));
  });

  it('lets nobody do anything signed out, or with a role it does not know', () => {
    expect(can(undefined, 'read')).toBe(false);
    expect(can(null, 'read')).toBe(false);
    expect(can('root' as never, 'read')).toBe(false);
  });
});
