/**
 * Client-side validation of the new-order form. Field keys use the gateway's
 * naming (`customer_email`, `items[0].quantity`) and problems its codes
 * (`too_long` with `max`...), so the server's problem+json field errors land
 * beside the same inputs as ours and read the same (`formatFieldError`).
 */
import type { FieldIssue } from '@/lib/field-errors';
import { ORDER_LIMITS, PAYMENT_LIMITS, textLength } from '@/lib/limits';
import { normalizeDigits, parseWholeNumber } from '@/lib/numbers';
import type { NewOrder, NewOrderItem } from '@/lib/types';

export const PAYMENT_MIN = PAYMENT_LIMITS.amount.minimum;
export const PAYMENT_MAX = PAYMENT_LIMITS.amount.maximum;

/** The document's limits of an order (`NewOrder`, `NewOrderItem`). */
export const LIMITS = ORDER_LIMITS;

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
const outOfRange = (r: { minimum: number; maximum: number }): FieldIssue => ({ code: 'out_of_range', params: { min: r.minimum, max: r.maximum } });
const notInteger: FieldIssue = { code: 'invalid_type', params: { expected: 'an integer' } };
const controlCharacters: FieldIssue = { code: 'control_characters' };

/** A required text: present, within its length, matching the document's pattern (no control characters). */
function text(value: string, limit: { maxLength: number; pattern: RegExp }): FieldIssue | undefined {
  if (!value) return required;
  if (textLength(value) > limit.maxLength) return tooLong(limit.maxLength);
  if (!limit.pattern.test(value)) return controlCharacters;
  return undefined;
}

/** A whole number typed in a field, within the document's range. */
function wholeNumber(raw: string, n: number, range: { minimum: number; maximum: number }): FieldIssue | undefined {
  if (raw.trim() === '') return required;
  if (!Number.isInteger(n)) return notInteger;
  if (n < range.minimum || n > range.maximum) return outOfRange(range);
  return undefined;
}

export function validateDraft(d: OrderDraft): ValidationResult {
  const errors: FieldErrors = {};
  const put = (key: string, issue: FieldIssue | undefined) => {
    if (issue) errors[key] = issue;
  };
  const name = d.customer_name.trim();
  const email = d.customer_email.trim();
  const phone = normalizeDigits(d.customer_phone);
  const address = d.shipping_address.trim();

  put('customer_name', text(name, LIMITS.customerName));

  if (!email) put('customer_email', required);
  else if (textLength(email) > LIMITS.customerEmail.maxLength) put('customer_email', tooLong(LIMITS.customerEmail.maxLength));
  else if (!EMAIL.test(email)) put('customer_email', { code: 'invalid_email' });

  if (textLength(phone) > LIMITS.customerPhone.maxLength) put('customer_phone', tooLong(LIMITS.customerPhone.maxLength));
  else if (!LIMITS.customerPhone.pattern.test(phone)) put('customer_phone', { code: 'invalid_phone' });

  if (textLength(address) > LIMITS.shippingAddress.maxLength) put('shipping_address', tooLong(LIMITS.shippingAddress.maxLength));
  else if (!LIMITS.shippingAddress.pattern.test(address)) put('shipping_address', controlCharacters);

  if (d.items.length < LIMITS.items.minItems) put('items', { code: 'too_few', params: { min: LIMITS.items.minItems } });
  else if (d.items.length > LIMITS.items.maxItems) put('items', { code: 'too_many', params: { max: LIMITS.items.maxItems } });

  const items: NewOrderItem[] = [];
  d.items.forEach((it, i) => {
    const pid = it.product_id.trim();
    const pname = it.product_name.trim();
    const q = parseWholeNumber(it.quantity);
    const p = parseWholeNumber(it.unit_price);
    put(itemField(i, 'product_id'), text(pid, LIMITS.productId));
    put(itemField(i, 'product_name'), text(pname, LIMITS.productName));
    put(itemField(i, 'quantity'), wholeNumber(it.quantity, q, LIMITS.quantity));
    put(itemField(i, 'unit_price'), wholeNumber(it.unit_price, p, LIMITS.unitPrice));
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
