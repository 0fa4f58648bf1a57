/**
 * The import file's columns and a sample file built in the browser, so the
 * operator starts from a file the gateway accepts as it is.
 */

export const REQUIRED_COLUMNS = ['customer_name', 'customer_email', 'product_id', 'product_name', 'quantity', 'unit_price'] as const;
export const OPTIONAL_COLUMNS = ['external_ref', 'customer_phone', 'shipping_address'] as const;
export type ImportColumn = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];

/** The template's column order: the order key first, then customer, then item. */
export const TEMPLATE_COLUMNS: readonly ImportColumn[] = [
  'external_ref',
  'customer_name',
  'customer_email',
  'customer_phone',
  'shipping_address',
  'product_id',
  'product_name',
  'quantity',
  'unit_price',
];

/** Rows 2 and 3 share `A-1001`: one order with two items; the others are one order each. */
export const SAMPLE_ROWS: readonly (readonly string[])[] = [
  ['A-1001', '山田 太郎', 'taro.yamada@example.jp', '090-1234-5678', '東京都千代田区丸の内 1-1-1', '1001', 'オーガニック緑茶 100g', '2', '1480'],
  ['A-1001', '山田 太郎', 'taro.yamada@example.jp', '090-1234-5678', '東京都千代田区丸の内 1-1-1', '2003', '有田焼 湯呑み', '1', '3200'],
  ['', '佐藤 花子', 'hanako.sato@example.jp', '', '大阪府大阪市北区梅田 2-2-2, 梅田ビル 3F', '3010', '南部鉄器 急須', '1', '12800'],
  ['', 'Emily "Em" Clark', 'emily.clark@example.com', '', '', '4001', '今治タオル ギフトセット', '3', '5500'],
];

export const TEMPLATE_FILE_NAME = 'orders-import-template.csv';

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or edge spaces. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Rows as CSV text, CRLF line ends (what Excel writes), ending with a line break. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The template: UTF-8 with a BOM, so Excel shows the Japanese text correctly. */
export function buildTemplateCsv(): string {
  return '\uFEFF' + toCsv([TEMPLATE_COLUMNS, ...SAMPLE_ROWS]);
}

/** Saves text as a file through a temporary link. */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
