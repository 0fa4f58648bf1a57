import { describe, expect, it } from 'vitest';
import { safeTraceUrl } from './trace-url';

describe('safeTraceUrl', () => {
  it('keeps an absolute http(s) address', () => {
    expect(safeTraceUrl('http://127.0.0.1:16686/trace/0af7651916cd43dd8448eb211c80319c')).toBe('http://127.0.0.1:16686/trace/0af7651916cd43dd8448eb211c80319c');
    expect(safeTraceUrl('https://tracing.example.jp/trace/abc')).toBe('https://tracing.example.jp/trace/abc');
  });
  it('refuses anything else, or nothing', () => {
    expect(safeTraceUrl('javascript:alert(1)')).toBeNull();
    expect(safeTraceUrl('/trace/abc')).toBeNull();
    expect(safeTraceUrl('')).toBeNull();
    expect(safeTraceUrl(null)).toBeNull();
    expect(safeTraceUrl(undefined)).toBeNull();
  });
});
