import { useQuery } from '@tanstack/react-query';
import { ApiError, apiFetch, seg } from '@/lib/api-client';
import type { Id, Payment } from '@/lib/types';
import { paymentKeys } from '@/lib/query-keys';

/** The order's payment, or `null` when it has none (the API answers 404). */
export async function getPaymentForOrder(orderId: Id, signal?: AbortSignal): Promise<Payment | null> {
  try {
    return await apiFetch<Payment>(`/api/v1/payments/order/${seg(orderId)}`, { signal });
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export function usePaymentForOrder(orderId: Id) {
  return useQuery({
    queryKey: paymentKeys.byOrder(orderId),
    queryFn: ({ signal }) => getPaymentForOrder(orderId, signal),
  });
}
