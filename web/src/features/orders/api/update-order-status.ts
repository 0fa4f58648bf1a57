import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch, seg } from '@/lib/api-client';
import type { Id, Order, StatusUpdate } from '@/lib/types';
import { notificationKeys, orderKeys } from '@/lib/query-keys';

export function updateOrderStatus(id: Id, status: StatusUpdate['status']): Promise<Order> {
  return apiFetch<Order>(`/api/v1/orders/${seg(id)}/status`, { method: 'PUT', body: { status } satisfies StatusUpdate });
}

export function useUpdateOrderStatus(id: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (status: StatusUpdate['status']) => updateOrderStatus(id, status),
    onSuccess: async (order) => {
      qc.setQueryData(orderKeys.detail(id), order);
      await Promise.all([
        qc.invalidateQueries({ queryKey: orderKeys.all }),
        qc.invalidateQueries({ queryKey: notificationKeys.byOrder(id) }),
      ]);
    },
  });
}
