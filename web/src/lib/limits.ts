/**
 * The platform's limits, read from its OpenAPI document (`web/openapi.json`,
 * which the gateway generates from the platform's one rule set), never
 * copied by hand: the forms check what the gateway will check. The JSON is
 * typed by the compiler, so a limit the document stops publishing fails the
 * type check; `limits.test.ts` checks the values against the file.
 */
import { components, paths } from '../../openapi.json';

const order = components.schemas.NewOrder.properties;
const item = components.schemas.NewOrderItem.properties;
const refund = components.schemas.NewRefund.properties;
const payment = components.schemas.NewPayment.properties;
const newUser = components.schemas.NewUser.properties;
const newKey = components.schemas.NewApiKey.properties;

/** A JSON Schema pattern (ECMA-262, Unicode) as a RegExp. */
const pattern = (source: string) => new RegExp(source, 'u');

/** The maximum of a query parameter of a GET (its `schema.maximum`). */
function queryMaximum(parameters: readonly { name: string; schema: object }[], name: string): number {
  const schema = parameters.find((p) => p.name === name)?.schema;
  const max = schema && 'maximum' in schema ? schema.maximum : undefined;
  if (typeof max !== 'number') throw new Error(`openapi.json: query parameter ${name} has no maximum`);
  return max;
}

/** JSON Schema counts a string's length in characters (code points), as the gateway does. */
export function textLength(s: string): number {
  return [...s].length;
}

/** `NewOrder` and `NewOrderItem`. */
export const ORDER_LIMITS = {
  customerName: { maxLength: order.customer_name.maxLength, pattern: pattern(order.customer_name.pattern) },
  customerEmail: { maxLength: order.customer_email.maxLength },
  customerPhone: { maxLength: order.customer_phone.maxLength, pattern: pattern(order.customer_phone.pattern) },
  shippingAddress: { maxLength: order.shipping_address.maxLength, pattern: pattern(order.shipping_address.pattern) },
  items: { minItems: order.items.minItems, maxItems: order.items.maxItems },
  productId: { maxLength: item.product_id.maxLength, pattern: pattern(item.product_id.pattern) },
  productName: { maxLength: item.product_name.maxLength, pattern: pattern(item.product_name.pattern) },
  quantity: { minimum: item.quantity.minimum, maximum: item.quantity.maximum },
  unitPrice: { minimum: item.unit_price.minimum, maximum: item.unit_price.maximum },
} as const;

/** `NewRefund`. */
export const REFUND_LIMITS = {
  amount: { minimum: refund.amount.minimum },
  reason: { maxLength: refund.reason.maxLength },
} as const;

/** What one payment may be (`NewPayment.amount`): an order outside it is kept but its payment refused. */
export const PAYMENT_LIMITS = {
  amount: { minimum: payment.amount.minimum, maximum: payment.amount.maximum },
} as const;

/** Page sizes the lists accept (`limit` of `GET /api/v1/orders`). */
export const ORDERS_PAGE_MAX = queryMaximum(paths['/api/v1/orders'].get.parameters, 'limit');

/** `NewUser`: a user's e-mail and password. */
export const USER_LIMITS = {
  email: { maxLength: newUser.email.maxLength },
  password: { minLength: newUser.password.minLength, maxLength: newUser.password.maxLength },
} as const;

/** `NewApiKey`: the key's name. */
export const API_KEY_LIMITS = {
  name: { maxLength: newKey.name.maxLength, pattern: pattern(newKey.name.pattern) },
} as const;

/** Page sizes the audit log accepts (`limit` of `GET /api/v1/audit`). */
export const AUDIT_PAGE_MAX = queryMaximum(paths['/api/v1/audit'].get.parameters, 'limit');
