import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { orderKeys } from '@/lib/query-keys';
import type { NewOrder } from '@/lib/types';

export function createOrder(body: NewOrder, idempotencyKey?: string) {
  return call(api.POST('/api/v1/orders', { body, params: { header: { 'Idempotency-Key': idempotencyKey } } }));
}

export function useCreateOrder() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ order, idempotencyKey }: { order: NewOrder; idempotencyKey?: string }) => createOrder(order, idempotencyKey),
    // The form shows field errors and payment rejection itself.
    meta: { inlineError: true },
    onSuccess: (order) => {
      qc.setQueryData(orderKeys.detail(order.id), order);
    },
    // A rejected payment still stores an order: refresh lists either way.
    onSettled: () => qc.invalidateQueries({ queryKey: orderKeys.all }),
  });
}
