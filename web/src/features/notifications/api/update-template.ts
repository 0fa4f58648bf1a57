import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch, seg } from '@/lib/api-client';
import type { Template, TemplateUpdate } from '@/lib/types';
import { notificationKeys } from '@/lib/query-keys';

export function updateTemplate(code: string, body: TemplateUpdate): Promise<Template> {
  return apiFetch<Template>(`/api/v1/notifications/templates/${seg(code)}`, { method: 'PUT', body });
}

export function useUpdateTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ code, update }: { code: string; update: TemplateUpdate }) => updateTemplate(code, update),
    meta: { inlineError: true },
    onSuccess: (tpl) => {
      qc.setQueryData<Template[]>(notificationKeys.templates(), (old) => old?.map((t) => (t.code === tpl.code ? tpl : t)));
    },
  });
}
