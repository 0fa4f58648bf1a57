import { useQuery } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { authKeys } from '@/lib/query-keys';

export function getUsers(signal?: AbortSignal) {
  return call(api.GET('/api/v1/auth/users', { signal }));
}

export function useUsers() {
  return useQuery({ queryKey: authKeys.users(), queryFn: ({ signal }) => getUsers(signal) });
}
