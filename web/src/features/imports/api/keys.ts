export type ImportPage = { limit: number; cursor?: string };

export const importKeys = {
  all: ['imports'] as const,
  lists: () => [...importKeys.all, 'list'] as const,
  list: (p: ImportPage) => [...importKeys.lists(), p] as const,
  detail: (id: string) => [...importKeys.all, 'detail', id] as const,
  errors: (id: string) => [...importKeys.all, 'errors', id] as const,
};

export const importPath = (id: string) => `/api/v1/orders/imports/${encodeURIComponent(id)}`;
