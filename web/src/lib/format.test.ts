import { describe, expect, it } from 'vitest';
import { browserTzOffsetMinutes, formatDateTime, formatDateTimeSeconds, formatDay, formatTime, formatYen } from './format';

describe('formatYen', () => {
  it.each([
    [0, '￥0'],
    [100, '￥100'],
    [12800, '￥12,800'],
    [1_000_000, '￥1,000,000'],
    [-500, '-￥500'],
  ])('%d -> %s', (n, s) => {
    expect(formatYen(n)).toBe(s);
  });
});

describe('formatDateTime', () => {
  const iso = '2025-03-31T15:30:00Z';
  it('shows the instant in the given zone (JST is UTC+9, the next day)', () => {
    expect(formatDateTime(iso, 'ja', 'Asia/Tokyo')).toBe('2025/04/01 00:30');
    expect(formatDateTime(iso, 'ja', 'UTC')).toBe('2025/03/31 15:30');
  });
  it('follows the UI language', () => {
    expect(formatDateTime(iso, 'en', 'Asia/Tokyo')).toBe('04/01/2025, 00:30');
  });
  it('uses the browser zone when none is given', () => {
    const expected = new Intl.DateTimeFormat('ja-JP', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
    expect(formatDateTime(iso, 'ja')).toBe(expected);
  });
  it('leaves an unparseable value as it is', () => {
    expect(formatDateTime('not a date', 'ja')).toBe('not a date');
  });
  it('formats a time of day', () => {
    expect(formatTime(iso, 'ja', 'Asia/Tokyo')).toBe('00:30:00');
  });
  it('formats month, day and time to the second', () => {
    expect(formatDateTimeSeconds('2025-03-31T15:30:07Z', 'ja', 'Asia/Tokyo')).toBe('04/01 00:30:07');
    expect(formatDateTimeSeconds('2025-03-31T15:30:07Z', 'en', 'UTC')).toBe('03/31, 15:30:07');
  });
});

describe('formatDay', () => {
  it('formats a calendar date without shifting it by the zone', () => {
    expect(formatDay('2025-04-01', 'ja')).toBe('4/1(火)');
    expect(formatDay('2025-04-01', 'en')).toBe('Tue, 4/1');
  });
});

describe('browserTzOffsetMinutes', () => {
  it('is minutes east of UTC, the opposite sign of getTimezoneOffset', () => {
    const jst = { getTimezoneOffset: () => -540 } as Date;
    const ny = { getTimezoneOffset: () => 300 } as Date;
    const utc = { getTimezoneOffset: () => 0 } as Date;
    expect(browserTzOffsetMinutes(jst)).toBe(540);
    expect(browserTzOffsetMinutes(ny)).toBe(-300);
    expect(Object.is(browserTzOffsetMinutes(utc), 0)).toBe(true);
  });
});
