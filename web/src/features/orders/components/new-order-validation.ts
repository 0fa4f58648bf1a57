/**
 * Client-side validation of the new-order form. Field keys use the gateway's
 * naming (`customer_email`, `items[0].quantity`) so the server's problem+json
 * field errors land beside the same inputs as ours.
 */
import type { Translate } from '@/lib/i18n';
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
export type FieldErrors = Record<string, string>;

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

export function validateDraft(d: OrderDraft, t: Translate): ValidationResult {
  const errors: FieldErrors = {};
  const name = d.customer_name.trim();
  const email = d.customer_email.trim();
  const phone = normalizeDigits(d.customer_phone);
  const address = d.shipping_address.trim();

  if (!name) errors.customer_name = t('validation.required');
  else if (name.length > LIMITS.name) errors.customer_name = t('validation.tooLong', { max: LIMITS.name });

  if (!email) errors.customer_email = t('validation.required');
  else if (email.length > LIMITS.email || !EMAIL.test(email)) errors.customer_email = t('validation.email');

  if (phone && !PHONE.test(phone)) errors.customer_phone = t('validation.phone');
  if (address.length > LIMITS.address) errors.shipping_address = t('validation.tooLong', { max: LIMITS.address });

  if (d.items.length === 0) errors.items = t('validation.items');

  const items: NewOrderItem[] = [];
  d.items.forEach((it, i) => {
    const pid = it.product_id.trim();
    const pname = it.product_name.trim();
    const q = parseWholeNumber(it.quantity);
    const p = parseWholeNumber(it.unit_price);

    if (!pid) errors[itemField(i, 'product_id')] = t('validation.required');
    else if (pid.length > LIMITS.productId) errors[itemField(i, 'product_id')] = t('validation.tooLong', { max: LIMITS.productId });

    if (!pname) errors[itemField(i, 'product_name')] = t('validation.required');
    else if (pname.length > LIMITS.productName) errors[itemField(i, 'product_name')] = t('validation.tooLong', { max: LIMITS.productName });

    if (it.quantity.trim() === '') errors[itemField(i, 'quantity')] = t('validation.required');
    else if (!Number.isInteger(q) || q < 1) errors[itemField(i, 'quantity')] = t('validation.quantity');
    else if (q > LIMITS.quantity) errors[itemField(i, 'quantity')] = t('validation.tooLarge');

    if (it.unit_price.trim() === '') errors[itemField(i, 'unit_price')] = t('validation.required');
    else if (!Number.isInteger(p) || p < 0) errors[itemField(i, 'unit_price')] = t('validation.price');
    else if (p > LIMITS.unitPrice) errors[itemField(i, 'unit_price')] = t('validation.tooLarge');

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
