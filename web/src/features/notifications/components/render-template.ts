/**
 * Client-side preview of a notification template: `{{variable}}` placeholders
 * (spaces inside the braces allowed) replaced by sample values. The server
 * renders the real mail; a variable it does not know is an error there, so
 * the preview marks such variables instead of hiding them.
 */
import { formatYen } from '@/lib/format';

export type Segment = { kind: 'text'; text: string } | { kind: 'var'; name: string; value: string | undefined };

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g;

export function parseTemplate(source: string, values: Record<string, string>): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of source.matchAll(PLACEHOLDER)) {
    const at = m.index;
    if (at > last) out.push({ kind: 'text', text: source.slice(last, at) });
    const name = m[1] ?? '';
    out.push({ kind: 'var', name, value: Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined });
    last = at + m[0].length;
  }
  if (last < source.length) out.push({ kind: 'text', text: source.slice(last) });
  return out;
}

/** Plain-text rendering; unknown variables stay as `{{name}}`. */
export function renderTemplate(source: string, values: Record<string, string>): string {
  return parseTemplate(source, values)
    .map((s) => (s.kind === 'text' ? s.text : (s.value ?? `{{${s.name}}}`)))
    .join('');
}

export function placeholdersIn(source: string): string[] {
  return [...new Set([...source.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}

/** Placeholders used in the text that are neither declared by the template nor known samples. */
export function unknownVariables(source: string, declared: readonly string[]): string[] {
  const known = new Set([...declared, ...Object.keys(SAMPLE_VALUES)]);
  return placeholdersIn(source).filter((v) => !known.has(v));
}

export const SAMPLE_VALUES: Record<string, string> = {
  customer_name: '山田 太郎',
  customer_email: 'taro.yamada@example.jp',
  customer_phone: '090-1234-5678',
  order_id: '1024',
  total_amount: formatYen(12800),
  refund_amount: formatYen(12800),
  amount: formatYen(12800),
  shipping_address: '東京都千代田区丸の内 1-1-1',
  status: 'shipped',
  tracking_number: '1234-5678-9012',
  carrier: 'ヤマト運輸',
  order_date: '2025-04-01',
  items: 'オーガニック緑茶 ×2, 湯呑み ×1',
  shop_name: 'EC ショップ',
};

/** Sample value for any variable, declared ones without a known sample shown as `[name]`. */
export function sampleValues(declared: readonly string[]): Record<string, string> {
  const out: Record<string, string> = { ...SAMPLE_VALUES };
  for (const v of declared) out[v] ??= `[${v}]`;
  return out;
}
