import { useQuery } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { authKeys } from '@/lib/query-keys';

/** The keys as listed: name, role, last 4 characters, never the key. */
export function getApiKeys(signal?: AbortSignal) {
  return call(api.GET('/api/v1/auth/api-keys', { signal }));
}

export function useApiKeys() {
  return useQuery({ queryKey: authKeys.apiKeys(), queryFn: ({ signal }) => getApiKeys(signal) });
}
