/**
 * Checks made before a file is sent: the gateway refuses the same things
 * (and more), but saying so at once saves an upload of a wrong file.
 */
import { formatNumber } from '@/lib/format';
import type { Lang, MessageKey, Params } from '@/lib/i18n';
import { REQUIRED_COLUMNS } from './csv-template';

/** The gateway's upload limit (MAX_UPLOAD_BYTES). */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;
/** The default row limit of an import. */
export const MAX_ROWS = 10_000;

export type FileProblem = { key: MessageKey; params?: Params };

/** What browsers call a CSV file (Windows with Excel says vnd.ms-excel). */
const CSV_TYPES = ['text/csv', 'application/csv', 'application/vnd.ms-excel'];

export function validateFile(file: { name: string; size: number; type: string }): FileProblem | null {
  const lower = file.name.toLowerCase();
  const csvName = lower.endsWith('.csv') || lower.endsWith('.txt');
  if (!csvName && !CSV_TYPES.includes(file.type)) return { key: 'import.err.type', params: { name: file.name } };
  if (file.size === 0) return { key: 'import.err.empty' };
  if (file.size > MAX_FILE_BYTES) return { key: 'import.err.tooLarge', params: { max: `${MAX_FILE_BYTES / 1024 / 1024} MB` } };
  return null;
}

/** The fields of the first CSV record of `text` (quotes understood, a BOM dropped). */
export function firstRecord(text: string): string[] {
  const s = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const fields: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(cur);
      cur = '';
    } else if (c === '\n' || c === '\r') break;
    else cur += c;
  }
  fields.push(cur);
  return fields;
}

/** Required columns the header line lacks (names compared as the gateway does: trimmed, any case). */
export function missingColumns(text: string): string[] {
  const have = new Set(firstRecord(text).map((f) => f.trim().toLowerCase()));
  return REQUIRED_COLUMNS.filter((c) => !have.has(c));
}

/** Reads the start of a file, enough for its header line. */
export async function readHead(file: Blob, bytes = 64 * 1024): Promise<string> {
  const head = file.slice(0, bytes);
  if (typeof head.text === 'function') return head.text();
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(typeof r.result === 'string' ? r.result : '');
    r.onerror = () => reject(r.error ?? new Error('read failed'));
    r.readAsText(head);
  });
}

/** Human size: 12.3 KB. */
export function fileSize(bytes: number, lang: Lang): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(Math.round((bytes / 1024) * 10) / 10, lang)} KB`;
  return `${formatNumber(Math.round((bytes / 1024 / 1024) * 10) / 10, lang)} MB`;
}
