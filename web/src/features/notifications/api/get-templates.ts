import { useQuery } from '@tanstack/react-query';
import { api, call } from '@/lib/api-client';
import { notificationKeys } from '@/lib/query-keys';

export function getTemplates(signal?: AbortSignal) {
  return call(api.GET('/api/v1/notifications/templates', { signal }));
}

export function useTemplates() {
  return useQuery({ queryKey: notificationKeys.templates(), queryFn: ({ signal }) => getTemplates(signal), staleTime: 60_000 });
}
