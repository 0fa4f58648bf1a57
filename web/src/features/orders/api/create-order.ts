import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import type { NewOrder, Order } from '@/lib/types';
import { orderKeys } from '@/lib/query-keys';

export function createOrder(body: NewOrder, idempotencyKey?: string): Promise<Order> {
  return apiFetch<Order>('/api/v1/orders', {
    method: 'POST',
    body,
    headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : undefined,
  });
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
