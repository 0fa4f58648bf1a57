import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { authKeys } from '@/lib/query-keys';
import type { User } from '@/lib/types';

export async function deleteUser(id: User['id']): Promise<void> {
  await call(api.DELETE('/api/v1/auth/users/{id}', { params: { path: { id } } }));
}

export function useDeleteUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteUser,
    meta: { inlineError: true },
    onSuccess: (_v, id) => {
      qc.setQueryData<User[]>(authKeys.users(), (old) => old?.filter((u) => u.id !== id));
    },
  });
}
