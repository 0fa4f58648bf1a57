import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { orderKeys, paymentKeys } from '@/lib/query-keys';
import type { NewRefund, OrderId } from '@/lib/types';

export function createRefund(body: NewRefund) {
  return call(api.POST('/api/v1/payments/refund', { body }));
}

export function useCreateRefund(orderId: OrderId) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createRefund,
    meta: { inlineError: true },
    onSuccess: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: paymentKeys.byOrder(orderId) }),
        qc.invalidateQueries({ queryKey: orderKeys.detail(orderId) }),
      ]),
  });
}
