import { describe, expect, it } from 'vitest';
import { availableActions, buildTimeline } from './status';

const at = (m: number) => new Date(Date.UTC(2025, 3, 1, 0, m)).toISOString();

describe('buildTimeline', () => {
  it('marks the history done, the last step current and the rest of the happy path upcoming', () => {
    const tl = buildTimeline(
      [
        { status: 'pending', at: at(0) },
        { status: 'payment_processing', at: at(1) },
        { status: 'paid', at: at(2) },
      ],
      'paid',
    );
    expect(tl.map((e) => [e.status, e.state])).toEqual([
      ['pending', 'done'],
      ['payment_processing', 'done'],
      ['paid', 'current'],
      ['shipped', 'upcoming'],
      ['delivered', 'upcoming'],
    ]);
    expect(tl[2]?.at).toBe(at(2));
    expect(tl[3]?.at).toBeUndefined();
  });

  it('sorts an unordered history by time', () => {
    const tl = buildTimeline(
      [
        { status: 'paid', at: at(2) },
        { status: 'pending', at: at(0) },
      ],
      'paid',
    );
    expect(tl.map((e) => e.status).slice(0, 2)).toEqual(['pending', 'paid']);
  });

  it('shows nothing upcoming after a cancellation', () => {
    const tl = buildTimeline(
      [
        { status: 'pending', at: at(0) },
        { status: 'paid', at: at(2) },
        { status: 'cancelled', at: at(9) },
      ],
      'cancelled',
    );
    expect(tl.map((e) => e.state)).toEqual(['done', 'done', 'current']);
  });

  it('ends on payment_failed with no further steps', () => {
    const tl = buildTimeline([{ status: 'pending', at: at(0) }, { status: 'payment_failed', at: at(1) }], 'payment_failed');
    expect(tl.at(-1)).toMatchObject({ status: 'payment_failed', state: 'current' });
    expect(tl).toHaveLength(2);
  });

  it('adds the current status when the history is empty or behind', () => {
    expect(buildTimeline([], 'shipped').map((e) => [e.status, e.state])).toEqual([
      ['shipped', 'current'],
      ['delivered', 'upcoming'],
    ]);
    const behind = buildTimeline([{ status: 'paid', at: at(2) }], 'shipped');
    expect(behind.map((e) => [e.status, e.state])).toEqual([
      ['paid', 'done'],
      ['shipped', 'current'],
      ['delivered', 'upcoming'],
    ]);
  });
});

describe('availableActions', () => {
  it.each([
    ['pending', { ship: false, deliver: false, cancel: true }],
    ['payment_processing', { ship: false, deliver: false, cancel: false }],
    ['paid', { ship: true, deliver: false, cancel: true }],
    ['shipped', { ship: false, deliver: true, cancel: false }],
    ['delivered', { ship: false, deliver: false, cancel: false }],
    ['payment_failed', { ship: false, deliver: false, cancel: true }],
    ['cancelled', { ship: false, deliver: false, cancel: false }],
  ] as const)('%s', (status, expected) => {
    expect(availableActions(status)).toEqual(expected);
  });
});
