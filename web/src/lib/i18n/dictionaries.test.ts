import { describe, expect, it } from 'vitest';
import { en, ja } from './dictionaries';
import { interpolate } from './context';

describe('dictionaries', () => {
  it('have the same keys and the same {parameters}', () => {
    const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
    for (const k of Object.keys(ja) as (keyof typeof ja)[]) {
      expect(params(en[k]), k).toEqual(params(ja[k]));
    }
  });

  it('interpolates named parameters and leaves unknown ones', () => {
    expect(interpolate('注文 #{id} ({x})', { id: 5 })).toBe('注文 #5 ({x})');
  });
});
