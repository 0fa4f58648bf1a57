import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { notificationKeys, orderKeys } from '@/lib/query-keys';
import type { OrderId, StatusUpdate } from '@/lib/types';

/** Only `shipped` and `delivered` are set by hand (the document's ManualStatus). */
export function updateOrderStatus(id: OrderId, status: StatusUpdate['status']) {
  return call(api.PUT('/api/v1/orders/{id}/status', { params: { path: { id } }, body: { status } }));
}

export function useUpdateOrderStatus(id: OrderId) {
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
