import { describe, expect, it } from 'vitest';
import { formatFieldError } from '@/lib/field-errors';
import {
  draftTotal,
  emptyDraft,
  fieldId,
  normalizeFieldKey,
  totalOutsidePaymentLimits,
  validateDraft,
  type OrderDraft,
} from './new-order-validation';

const valid = (): OrderDraft => ({
  customer_name: ' 山田 太郎 ',
  customer_email: 'taro@example.jp',
  customer_phone: '',
  shipping_address: '',
  items: [
    { product_id: '1001', product_name: '緑茶', quantity: '2', unit_price: '1200' },
    { product_id: 'P-2', product_name: '湯呑み', quantity: '1', unit_price: '0' },
  ],
});

describe('validateDraft', () => {
  it('turns a valid draft into the request body, trimmed, optional members left out', () => {
    const { errors, order } = validateDraft(valid());
    expect(errors).toEqual({});
    expect(order).toEqual({
      customer_name: '山田 太郎',
      customer_email: 'taro@example.jp',
      items: [
        { product_id: '1001', product_name: '緑茶', quantity: 2, unit_price: 1200 },
        { product_id: 'P-2', product_name: '湯呑み', quantity: 1, unit_price: 0 },
      ],
    });
  });

  it('keeps phone and address when given, normalising full-width digits', () => {
    const d = { ...valid(), customer_phone: '０９０ー１２３４ー５６７８', shipping_address: '東京都千代田区' };
    expect(validateDraft(d).order).toMatchObject({ customer_phone: '090-1234-5678', shipping_address: '東京都千代田区' });
  });

  // The limits are the document's (name 200 characters, quantity 1..10,000; see lib/limits.test.ts).
  const cases: [string, (d: OrderDraft) => void, string, string, string][] = [
    ['missing name', (d) => (d.customer_name = '  '), 'customer_name', 'required', 'Required'],
    ['name too long', (d) => (d.customer_name = 'x'.repeat(201)), 'customer_name', 'too_long', 'At most 200 characters'],
    ['name with a tab', (d) => (d.customer_name = '山田\t太郎'), 'customer_name', 'control_characters', 'No tabs or other control characters'],
    ['missing email', (d) => (d.customer_email = ''), 'customer_email', 'required', 'Required'],
    ['email without @', (d) => (d.customer_email = 'taro.example.jp'), 'customer_email', 'invalid_email', 'Not a valid email address'],
    ['email without domain dot', (d) => (d.customer_email = 'taro@example'), 'customer_email', 'invalid_email', 'Not a valid email address'],
    ['email with space', (d) => (d.customer_email = 'ta ro@example.jp'), 'customer_email', 'invalid_email', 'Not a valid email address'],
    ['phone with letters', (d) => (d.customer_phone = '090-abcd'), 'customer_phone', 'invalid_phone', 'Not a phone number (6 to 20 digits; hyphens, spaces and parentheses are fine)'],
    ['phone of five digits', (d) => (d.customer_phone = '12345'), 'customer_phone', 'invalid_phone', 'Not a phone number (6 to 20 digits; hyphens, spaces and parentheses are fine)'],
    ['address with a control character', (d) => (d.shipping_address = '東京都\u0007千代田区'), 'shipping_address', 'control_characters', 'No tabs or other control characters'],
    ['missing product id', (d) => (d.items[0]!.product_id = ''), 'items[0].product_id', 'required', 'Required'],
    ['product id too long', (d) => (d.items[0]!.product_id = 'P'.repeat(65)), 'items[0].product_id', 'too_long', 'At most 64 characters'],
    ['missing product name', (d) => (d.items[1]!.product_name = ' '), 'items[1].product_name', 'required', 'Required'],
    ['zero quantity', (d) => (d.items[0]!.quantity = '0'), 'items[0].quantity', 'out_of_range', 'Enter a value from 1 to 10,000'],
    ['fractional quantity', (d) => (d.items[0]!.quantity = '1.5'), 'items[0].quantity', 'invalid_type', 'Enter a whole number'],
    ['empty quantity', (d) => (d.items[0]!.quantity = ''), 'items[0].quantity', 'required', 'Required'],
    ['quantity over 10,000', (d) => (d.items[0]!.quantity = '10001'), 'items[0].quantity', 'out_of_range', 'Enter a value from 1 to 10,000'],
    ['negative price', (d) => (d.items[1]!.unit_price = '-1'), 'items[1].unit_price', 'out_of_range', 'Enter a value from 0 to 100,000,000'],
    ['price with letters', (d) => (d.items[1]!.unit_price = '12a'), 'items[1].unit_price', 'invalid_type', 'Enter a whole number'],
    ['no items', (d) => (d.items = []), 'items', 'too_few', 'At least 1 needed'],
    ['101 items', (d) => (d.items = Array.from({ length: 101 }, () => ({ product_id: '1', product_name: '茶', quantity: '1', unit_price: '100' }))), 'items', 'too_many', 'At most 100'],
  ];
  it.each(cases)('rejects %s', (_name, mutate, field, code, message) => {
    const d = valid();
    mutate(d);
    const { errors, order } = validateDraft(d);
    expect(order).toBeNull();
    expect(errors[field]?.code).toBe(code);
    expect(formatFieldError('en', errors[field]!)).toBe(message);
  });

  it('reports every problem at once', () => {
    const { errors } = validateDraft(emptyDraft());
    expect(Object.keys(errors).sort()).toEqual(['customer_email', 'customer_name', 'items[0].product_id', 'items[0].product_name', 'items[0].unit_price']);
  });

  it('accepts what the gateway accepts: 200 characters counted as characters, a quantity of 10,000, phones with spaces', () => {
    const d = valid();
    d.customer_name = '😀'.repeat(200);
    d.items[0]!.product_name = 'あ'.repeat(200);
    d.items[0]!.quantity = '10,000';
    d.customer_phone = '(03) 1234 5678';
    const { errors, order } = validateDraft(d);
    expect(errors).toEqual({});
    expect(order?.items[0]?.quantity).toBe(10000);
  });

  it('is worded like the server in Japanese', () => {
    const d = valid();
    d.items[0]!.quantity = '10001';
    const { errors } = validateDraft(d);
    expect(formatFieldError('ja', errors['items[0].quantity']!)).toBe('1〜10,000 の範囲で入力してください');
    expect(formatFieldError('ja', validateDraft(emptyDraft()).errors.customer_name!)).toBe('必須項目です');
  });
});

describe('totals', () => {
  it('totals the valid lines only', () => {
    const d = valid();
    d.items.push({ product_id: 'x', product_name: 'y', quantity: 'abc', unit_price: '100' });
    expect(draftTotal(d)).toBe(2400);
  });
});

describe('payment limits', () => {
  it('flags totals the payment service refuses', () => {
    expect(totalOutsidePaymentLimits(0)).toBe(false);
    expect(totalOutsidePaymentLimits(99)).toBe(true);
    expect(totalOutsidePaymentLimits(100)).toBe(false);
    expect(totalOutsidePaymentLimits(1_000_000)).toBe(false);
    expect(totalOutsidePaymentLimits(1_000_001)).toBe(true);
  });
});

describe('field keys', () => {
  it.each([
    ['customer_email', 'customer_email'],
    ['items[0].quantity', 'items[0].quantity'],
    ['items.2.unit_price', 'items[2].unit_price'],
    ['/items/1/product_id', 'items[1].product_id'],
    ['items.0', 'items[0]'],
  ])('normalises %s', (raw, key) => {
    expect(normalizeFieldKey(raw)).toBe(key);
  });

  it.each([
    ['customer_email', 'customer_email'],
    ['items[0].quantity', 'items-0-quantity'],
    ['items[12].unit_price', 'items-12-unit_price'],
    ['items[0]', 'items-0'],
  ])('maps %s to the DOM id %s', (key, id) => {
    expect(fieldId(key)).toBe(id);
  });
});
