import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '@/lib/api-client';
import type { Template } from '@/lib/types';
import { notificationKeys } from '@/lib/query-keys';

export function getTemplates(signal?: AbortSignal): Promise<Template[]> {
  return apiFetch<Template[]>('/api/v1/notifications/templates', { signal });
}

export function useTemplates() {
  return useQuery({ queryKey: notificationKeys.templates(), queryFn: ({ signal }) => getTemplates(signal), staleTime: 60_000 });
}
