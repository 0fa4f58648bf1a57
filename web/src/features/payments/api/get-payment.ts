import { useQuery } from '@tanstack/react-query';
import { ApiError, api, call } from '@/lib/api-client';
import { paymentKeys } from '@/lib/query-keys';
import type { OrderId, Payment } from '@/lib/types';

/** The order's payment, or `null` when it has none (the API answers 404). */
export async function getPaymentForOrder(orderId: OrderId, signal?: AbortSignal): Promise<Payment | null> {
  try {
    return await call(api.GET('/api/v1/payments/order/{order_id}', { params: { path: { order_id: orderId } }, signal }));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export function usePaymentForOrder(orderId: OrderId) {
  return useQuery({
    queryKey: paymentKeys.byOrder(orderId),
    queryFn: ({ signal }) => getPaymentForOrder(orderId, signal),
  });
}
