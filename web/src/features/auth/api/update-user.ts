import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { authKeys } from '@/lib/query-keys';
import type { Role, User } from '@/lib/types';

export function updateUserRole(id: User['id'], role: Role) {
  return call(api.PATCH('/api/v1/auth/users/{id}', { params: { path: { id } }, body: { role } }));
}

export function useUpdateUserRole() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, role }: { id: User['id']; role: Role }) => updateUserRole(id, role),
    meta: { inlineError: true },
    onSuccess: (user) => {
      qc.setQueryData<User[]>(authKeys.users(), (old) => old?.map((u) => (u.id === user.id ? user : u)));
    },
    // Refused (the last admin): the list shows the role as it is.
    onError: () => qc.invalidateQueries({ queryKey: authKeys.users() }),
  });
}
