/**
 * Client-side validation of the new-order form. Field keys use the gateway's
 * naming (`customer_email`, `items[0].quantity`) and problems its codes
 * (`too_long` with `max`...), so the server's problem+json field errors land
 * beside the same inputs as ours and read the same (`formatFieldError`).
 */
import type { FieldIssue } from '@/lib/field-errors';
import { normalizeDigits, parseWholeNumber } from '@/lib/numbers';
import type { NewOrder, NewOrderItem } from '@/lib/types';

export const PAYMENT_MIN = 100;
export const PAYMENT_MAX = 1_000_000;

export const LIMITS = {
  name: 100,
  email: 254,
  address: 500,
  productId: 64,
  productName: 200,
  quantity: 100_000,
  unitPrice: 100_000_000,
} as const;

export type ItemDraft = { product_id: string; product_name: string; quantity: string; unit_price: string };
export type OrderDraft = {
  customer_name: string;
  customer_email: string;
  customer_phone: string;
  shipping_address: string;
  items: ItemDraft[];
};
/** Field key -> its problem, worded when shown (in the language of the moment). */
export type FieldErrors = Record<string, FieldIssue>;

export const emptyItem = (): ItemDraft => ({ product_id: '', product_name: '', quantity: '1', unit_price: '' });
export const emptyDraft = (): OrderDraft => ({
  customer_name: '',
  customer_email: '',
  customer_phone: '',
  shipping_address: '',
  items: [emptyItem()],
});

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const PHONE = /^\+?[0-9][0-9-]{5,19}$/;

export function itemSubtotal(item: ItemDraft): number {
  const q = parseWholeNumber(item.quantity);
  const p = parseWholeNumber(item.unit_price);
  return Number.isFinite(q) && Number.isFinite(p) && q > 0 && p >= 0 ? q * p : 0;
}

export function draftTotal(draft: OrderDraft): number {
  return draft.items.reduce((sum, it) => sum + itemSubtotal(it), 0);
}

export function draftQuantity(draft: OrderDraft): number {
  return draft.items.reduce((sum, it) => {
    const q = parseWholeNumber(it.quantity);
    return sum + (Number.isInteger(q) && q > 0 ? q : 0);
  }, 0);
}

/** Every field key the form has an input for (server errors on others are listed apart). */
export function knownFieldKeys(draft: OrderDraft): Set<string> {
  const keys = new Set<string>(['customer_name', 'customer_email', 'customer_phone', 'shipping_address', 'items']);
  draft.items.forEach((_, i) => {
    for (const m of ['product_id', 'product_name', 'quantity', 'unit_price'] as const) keys.add(itemField(i, m));
  });
  return keys;
}

/** Field key of an item's member, as the gateway names it. */
export const itemField = (i: number, member: keyof ItemDraft) => `items[${i}].${member}`;

/** DOM id for a field key: `items[0].quantity` -> `items-0-quantity`. */
export function fieldId(key: string): string {
  return key.replace(/\[(\d+)\]\.?/g, '-$1-').replace(/\./g, '-').replace(/-$/, '');
}

/**
 * Server field names may come as `items[0].quantity`, `items.0.quantity` or
 * `items/0/quantity`; all become `items[0].quantity`.
 */
export function normalizeFieldKey(field: string): string {
  return field
    .replace(/^\/?body\/?/, '')
    .replace(/\//g, '.')
    .replace(/\.(\d+)(?=\.|$)/g, '[$1]')
    .replace(/^\./, '');
}

export type ValidationResult = { errors: FieldErrors; order: NewOrder | null };

const required: FieldIssue = { code: 'required' };
const tooLong = (max: number): FieldIssue => ({ code: 'too_long', params: { max } });
const outOfRange = (min: number, max: number): FieldIssue => ({ code: 'out_of_range', params: { min, max } });
const notInteger: FieldIssue = { code: 'invalid_type', params: { expected: 'an integer' } };

export function validateDraft(d: OrderDraft): ValidationResult {
  const errors: FieldErrors = {};
  const name = d.customer_name.trim();
  const email = d.customer_email.trim();
  const phone = normalizeDigits(d.customer_phone);
  const address = d.shipping_address.trim();

  if (!name) errors.customer_name = required;
  else if (name.length > LIMITS.name) errors.customer_name = tooLong(LIMITS.name);

  if (!email) errors.customer_email = required;
  else if (email.length > LIMITS.email) errors.customer_email = tooLong(LIMITS.email);
  else if (!EMAIL.test(email)) errors.customer_email = { code: 'invalid_email' };

  if (phone && !PHONE.test(phone)) errors.customer_phone = { code: 'invalid_phone' };
  if (address.length > LIMITS.address) errors.shipping_address = tooLong(LIMITS.address);

  if (d.items.length === 0) errors.items = { code: 'too_few', params: { min: 1 } };

  const items: NewOrderItem[] = [];
  d.items.forEach((it, i) => {
    const pid = it.product_id.trim();
    const pname = it.product_name.trim();
    const q = parseWholeNumber(it.quantity);
    const p = parseWholeNumber(it.unit_price);

    if (!pid) errors[itemField(i, 'product_id')] = required;
    else if (pid.length > LIMITS.productId) errors[itemField(i, 'product_id')] = tooLong(LIMITS.productId);

    if (!pname) errors[itemField(i, 'product_name')] = required;
    else if (pname.length > LIMITS.productName) errors[itemField(i, 'product_name')] = tooLong(LIMITS.productName);

    if (it.quantity.trim() === '') errors[itemField(i, 'quantity')] = required;
    else if (!Number.isInteger(q)) errors[itemField(i, 'quantity')] = notInteger;
    else if (q < 1 || q > LIMITS.quantity) errors[itemField(i, 'quantity')] = outOfRange(1, LIMITS.quantity);

    if (it.unit_price.trim() === '') errors[itemField(i, 'unit_price')] = required;
    else if (!Number.isInteger(p)) errors[itemField(i, 'unit_price')] = notInteger;
    else if (p < 0 || p > LIMITS.unitPrice) errors[itemField(i, 'unit_price')] = outOfRange(0, LIMITS.unitPrice);

    items.push({ product_id: pid, product_name: pname, quantity: q, unit_price: p });
  });

  if (Object.keys(errors).length > 0) return { errors, order: null };
  const order: NewOrder = { customer_name: name, customer_email: email, items };
  if (phone) order.customer_phone = phone;
  if (address) order.shipping_address = address;
  return { errors, order };
}

/** Whether the payment service will refuse this total (it is still sent: the server decides). */
export function totalOutsidePaymentLimits(total: number): boolean {
  return total > 0 && (total < PAYMENT_MIN || total > PAYMENT_MAX);
}
