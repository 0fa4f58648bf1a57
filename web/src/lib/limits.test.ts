import { describe, expect, it } from 'vitest';
import raw from '../../openapi.json?raw';
import { ORDER_LIMITS, ORDERS_PAGE_MAX, PAYMENT_LIMITS, REFUND_LIMITS, textLength } from './limits';

/** The document as the gateway wrote it, parsed here from the file's text. */
const doc = JSON.parse(raw) as {
  components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
  paths: Record<string, Record<string, { parameters?: { name: string; schema: Record<string, unknown> }[] }>>;
};
const prop = (schema: string, name: string) => doc.components.schemas[schema]!.properties[name]!;

describe('limits', () => {
  it('are the OpenAPI document’s NewOrder and NewOrderItem limits', () => {
    expect(ORDER_LIMITS.customerName.maxLength).toBe(prop('NewOrder', 'customer_name').maxLength);
    expect(ORDER_LIMITS.customerName.pattern.source).toBe(new RegExp(prop('NewOrder', 'customer_name').pattern as string, 'u').source);
    expect(ORDER_LIMITS.customerEmail.maxLength).toBe(prop('NewOrder', 'customer_email').maxLength);
    expect(ORDER_LIMITS.customerPhone.maxLength).toBe(prop('NewOrder', 'customer_phone').maxLength);
    expect(ORDER_LIMITS.shippingAddress.maxLength).toBe(prop('NewOrder', 'shipping_address').maxLength);
    expect(ORDER_LIMITS.items).toEqual({ minItems: prop('NewOrder', 'items').minItems, maxItems: prop('NewOrder', 'items').maxItems });
    expect(ORDER_LIMITS.productId.maxLength).toBe(prop('NewOrderItem', 'product_id').maxLength);
    expect(ORDER_LIMITS.productName.maxLength).toBe(prop('NewOrderItem', 'product_name').maxLength);
    expect(ORDER_LIMITS.quantity).toEqual({ minimum: prop('NewOrderItem', 'quantity').minimum, maximum: prop('NewOrderItem', 'quantity').maximum });
    expect(ORDER_LIMITS.unitPrice).toEqual({ minimum: prop('NewOrderItem', 'unit_price').minimum, maximum: prop('NewOrderItem', 'unit_price').maximum });
  });

  it('are the values of the platform’s rule set (the form’s old copy said 100 and 100,000)', () => {
    expect(ORDER_LIMITS.customerName.maxLength).toBe(200);
    expect(ORDER_LIMITS.productName.maxLength).toBe(200);
    expect(ORDER_LIMITS.quantity).toEqual({ minimum: 1, maximum: 10_000 });
    expect(ORDER_LIMITS.unitPrice).toEqual({ minimum: 0, maximum: 100_000_000 });
  });

  it('are the document’s refund, payment and page-size limits', () => {
    expect(REFUND_LIMITS.amount.minimum).toBe(prop('NewRefund', 'amount').minimum);
    expect(REFUND_LIMITS.reason.maxLength).toBe(prop('NewRefund', 'reason').maxLength);
    expect(PAYMENT_LIMITS.amount).toEqual({ minimum: prop('NewPayment', 'amount').minimum, maximum: prop('NewPayment', 'amount').maximum });
    const limit = doc.paths['/api/v1/orders']!.get!.parameters!.find((p) => p.name === 'limit')!;
    expect(ORDERS_PAGE_MAX).toBe(limit.schema.maximum);
  });

  it('use the document’s patterns: no control characters, phones of 6 to 20 digits', () => {
    expect(ORDER_LIMITS.customerName.pattern.test('山田 太郎')).toBe(true);
    expect(ORDER_LIMITS.customerName.pattern.test('山田\t太郎')).toBe(false);
    expect(ORDER_LIMITS.customerName.pattern.test('   ')).toBe(false);
    expect(ORDER_LIMITS.shippingAddress.pattern.test('')).toBe(true);
    expect(ORDER_LIMITS.shippingAddress.pattern.test('東京都\n千代田区')).toBe(true);
    expect(ORDER_LIMITS.customerPhone.pattern.test('+81 (3) 1234-5678')).toBe(true);
    expect(ORDER_LIMITS.customerPhone.pattern.test('12345')).toBe(false);
  });

  it('count characters as JSON Schema does (code points, not UTF-16 units)', () => {
    expect(textLength('😀😀')).toBe(2);
    expect(textLength('山田')).toBe(2);
  });
});
