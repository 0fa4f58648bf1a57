import { describe, expect, it } from 'vitest';
import { niceTicks } from './chart-scale';

describe('niceTicks', () => {
  it.each([
    [28_300, [0, 10_000, 20_000, 30_000]],
    [50_000, [0, 20_000, 40_000, 60_000]],
    [98_000, [0, 25_000, 50_000, 75_000, 100_000]],
    [1_000_000, [0, 250_000, 500_000, 750_000, 1_000_000]],
    [7, [0, 2, 4, 6, 8]],
    [0, [0, 250, 500, 750, 1000]],
  ])('%d -> %j', (max, ticks) => {
    expect(niceTicks(max)).toEqual(ticks);
  });
});
