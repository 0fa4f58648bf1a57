import { describe, expect, it } from 'vitest';
import { formatActor, parseActor } from './actor';

describe('actors', () => {
  it('reads the gateway’s forms', () => {
    expect(parseActor('user:admin@example.jp')).toEqual({ kind: 'user', email: 'admin@example.jp' });
    expect(parseActor('key:3:ci: nightly')).toEqual({ kind: 'key', id: '3', name: 'ci: nightly' });
    expect(parseActor('service:payment')).toEqual({ kind: 'service', name: 'payment' });
    expect(parseActor('system:webhook')).toEqual({ kind: 'system', name: 'webhook' });
    expect(parseActor('anonymous')).toEqual({ kind: 'anonymous' });
    expect(parseActor('bootstrap')).toEqual({ kind: 'other', text: 'bootstrap' });
    expect(parseActor('key:x')).toEqual({ kind: 'other', text: 'key:x' });
  });

  it('words them in both languages', () => {
    expect(formatActor('user:admin@example.jp', 'ja')).toBe('admin@example.jp');
    expect(formatActor('key:3:ci', 'ja')).toBe('API キー「ci」(#3)');
    expect(formatActor('key:3:ci', 'en')).toBe('API key “ci” (#3)');
    expect(formatActor('anonymous', 'en')).toBe('not signed in');
    expect(formatActor('system:import', 'en')).toBe('system (import)');
  });
});
