import { describe, expect, it } from 'vitest';
import { fileSize, firstRecord, MAX_FILE_BYTES, missingColumns, readHead, validateFile } from './file-validation';

const file = (name: string, size: number, type = '') => ({ name, size, type });

describe('validateFile', () => {
  it('accepts CSV files by name or by type', () => {
    expect(validateFile(file('orders.csv', 100, 'text/csv'))).toBeNull();
    expect(validateFile(file('ORDERS.CSV', 100))).toBeNull();
    expect(validateFile(file('export', 100, 'text/csv'))).toBeNull();
    expect(validateFile(file('orders.csv', 100, 'application/vnd.ms-excel'))).toBeNull();
    expect(validateFile(file('orders.txt', 100, 'text/plain'))).toBeNull();
  });

  it('refuses other files, empty files and files over the upload limit', () => {
    expect(validateFile(file('orders.xlsx', 100, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'))).toEqual({
      key: 'import.err.type',
      params: { name: 'orders.xlsx' },
    });
    expect(validateFile(file('photo.png', 100, 'image/png'))?.key).toBe('import.err.type');
    expect(validateFile(file('orders.csv', 0))).toEqual({ key: 'import.err.empty' });
    expect(validateFile(file('orders.csv', MAX_FILE_BYTES))).toBeNull();
    expect(validateFile(file('orders.csv', MAX_FILE_BYTES + 1))).toEqual({ key: 'import.err.tooLarge', params: { max: '32 MB' } });
  });
});

describe('firstRecord and missingColumns', () => {
  it('reads the header line: BOM, quotes, escaped quotes, CRLF', () => {
    expect(firstRecord('\uFEFFa,"b,c","say ""x"""\r\n1,2,3')).toEqual(['a', 'b,c', 'say "x"']);
    expect(firstRecord('only')).toEqual(['only']);
    expect(firstRecord('')).toEqual(['']);
  });

  it('a quoted field may span lines', () => {
    expect(firstRecord('"a\nb",c\nnext')).toEqual(['a\nb', 'c']);
  });

  it('names the required columns a header lacks, ignoring case, spaces and order', () => {
    const full = 'unit_price, Quantity ,product_name,product_id,customer_email,CUSTOMER_NAME,external_ref\n';
    expect(missingColumns(full)).toEqual([]);
    expect(missingColumns('customer_name,customer_email,product_id\nx,y,z')).toEqual(['product_name', 'quantity', 'unit_price']);
    expect(missingColumns('name,email,sku,qty,price')).toHaveLength(6);
  });
});

describe('readHead', () => {
  it('reads the start of a file as text', async () => {
    const blob = new Blob(['customer_name,customer_email\n', 'x'.repeat(100)]);
    await expect(readHead(blob, 29)).resolves.toBe('customer_name,customer_email\n');
  });
});

describe('fileSize', () => {
  it.each([
    [512, 'en', '512 B'],
    [2048, 'en', '2 KB'],
    [1536, 'ja', '1.5 KB'],
    [5 * 1024 * 1024, 'en', '5 MB'],
  ] as const)('%d bytes (%s) → %s', (n, lang, out) => {
    expect(fileSize(n, lang)).toBe(out);
  });
});
