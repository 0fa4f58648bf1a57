import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import type { Id, NewRefund, Refund } from '@/lib/types';
import { orderKeys, paymentKeys } from '@/lib/query-keys';

export function createRefund(body: NewRefund): Promise<Refund> {
  return apiFetch<Refund>('/api/v1/payments/refund', { method: 'POST', body });
}

export function useCreateRefund(orderId: Id) {
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
