/**
 * Display formatting. Money is always yen in the Japanese style
 * (the shop is Japanese whatever the UI language); dates follow the UI
 * language and the browser's time zone unless a zone is passed (tests).
 */
import type { Lang } from './i18n/dictionaries';

const yen = new Intl.NumberFormat('ja-JP', { style: 'currency', currency: 'JPY' });

export function formatYen(amount: number): string {
  return yen.format(amount);
}

const localeOf: Record<Lang, string> = { ja: 'ja-JP', en: 'en-US' };

function toDate(value: string | Date): Date | null {
  const d = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDateTime(value: string | Date, lang: Lang, timeZone?: string): string {
  const d = toDate(value);
  if (!d) return String(value);
  return new Intl.DateTimeFormat(localeOf[lang], {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(d);
}

/** Month, day and time to the second: for records a second apart (a timeline, an attempt log). */
export function formatDateTimeSeconds(value: string | Date, lang: Lang, timeZone?: string): string {
  const d = toDate(value);
  if (!d) return String(value);
  return new Intl.DateTimeFormat(localeOf[lang], {
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(d);
}

export function formatTime(value: string | Date, lang: Lang, timeZone?: string): string {
  const d = toDate(value);
  if (!d) return String(value);
  return new Intl.DateTimeFormat(localeOf[lang], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(d);
}

/** A calendar date ("YYYY-MM-DD", no time) shown as a short day label. */
export function formatDay(isoDate: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) return isoDate;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(localeOf[lang], { month: 'numeric', day: 'numeric', weekday: 'short', timeZone: 'UTC' }).format(d);
}

/** Compact yen for chart axes: ¥1.2万 / ¥12K. */
export function formatYenCompact(amount: number, lang: Lang): string {
  return new Intl.NumberFormat(localeOf[lang], {
    style: 'currency',
    currency: 'JPY',
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(amount);
}

export function formatNumber(n: number, lang: Lang): string {
  return new Intl.NumberFormat(localeOf[lang]).format(n);
}

/**
 * Minutes east of UTC of the browser's zone (540 in Japan), the value
 * `GET /orders/stats?tz_offset_minutes=` expects. `getTimezoneOffset` has the
 * opposite sign.
 */
/** A rate per second ("10", "2.5"): one decimal at most. */
export function formatRate(perSecond: number, lang: Lang): string {
  return new Intl.NumberFormat(localeOf[lang], { maximumFractionDigits: 1 }).format(perSecond);
}

export function browserTzOffsetMinutes(now: Date = new Date()): number {
  const off = -now.getTimezoneOffset();
  return off === 0 ? 0 : off;
}
