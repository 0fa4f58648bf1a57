import { describe, expect, it } from 'vitest';
import { buildTemplateCsv, csvField, REQUIRED_COLUMNS, SAMPLE_ROWS, TEMPLATE_COLUMNS, toCsv } from './csv-template';
import { firstRecord, missingColumns } from './file-validation';

/** A small RFC 4180 reader, to read the template back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cur);
      cur = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cur);
      rows.push(row);
      row = [];
      cur = '';
      i++;
    } else cur += c;
  }
  if (cur !== '' || row.length > 0) rows.push([...row, cur]);
  return rows;
}

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['山田 太郎', '山田 太郎'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [' padded', '" padded"'],
    ['', ''],
  ])('%j → %j', (v, out) => {
    expect(csvField(v)).toBe(out);
  });
});

describe('toCsv', () => {
  it('joins with commas and CRLF, ending with a line break', () => {
    expect(toCsv([['a', 'b'], ['1', 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });
});

describe('the template', () => {
  const csv = buildTemplateCsv();

  it('starts with a UTF-8 BOM (Excel) and a header the gateway accepts', () => {
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(firstRecord(csv)).toEqual([...TEMPLATE_COLUMNS]);
    expect(missingColumns(csv)).toEqual([]);
    for (const c of REQUIRED_COLUMNS) expect(TEMPLATE_COLUMNS).toContain(c);
  });

  it('reads back to the sample rows, quoting and all', () => {
    const rows = parseCsv(csv.slice(1));
    expect(rows).toHaveLength(1 + SAMPLE_ROWS.length);
    expect(rows.slice(1)).toEqual(SAMPLE_ROWS.map((r) => [...r]));
    for (const r of rows) expect(r).toHaveLength(TEMPLATE_COLUMNS.length);
  });

  it('has valid sample values: a shared external_ref, whole quantities and prices', () => {
    const col = (name: string) => TEMPLATE_COLUMNS.indexOf(name as (typeof TEMPLATE_COLUMNS)[number]);
    const refs = SAMPLE_ROWS.map((r) => r[col('external_ref')]).filter(Boolean);
    expect(new Set(refs).size).toBeLessThan(refs.length);
    for (const r of SAMPLE_ROWS) {
      expect(Number(r[col('quantity')])).toBeGreaterThanOrEqual(1);
      expect(Number.isInteger(Number(r[col('unit_price')]))).toBe(true);
      expect(r[col('customer_email')]).toMatch(/^[^@\s]+@[^@\s]+\.[^@\s]+$/);
    }
  });
});
