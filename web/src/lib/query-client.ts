/**
 * One policy for every request: retry only what may succeed on a second try
 * (network failures and 5xx other than 501), never a 4xx; a failed mutation
 * raises a toast with the problem `detail` unless its component shows the
 * error inline (`meta: { inlineError: true }`).
 */
import { MutationCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-client';
import { formatFieldError } from './field-errors';
import { readStoredLang, translate } from './i18n';
import { pushToast } from './toast';

declare module '@tanstack/react-query' {
  interface Register {
    mutationMeta: { inlineError?: boolean };
  }
}

export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (failureCount >= 2) return false;
  if (error instanceof ApiError) return error.isNetworkError || (error.status >= 500 && error.status !== 501);
  return false;
}

/**
 * The text to show for any error: the problem's detail when there is one;
 * for invalid fields, their codes in the operator's language (the gateway's
 * detail repeats them in English).
 */
export function errorMessage(error: unknown, lang = readStoredLang()): string {
  if (error instanceof ApiError) {
    if (error.isNetworkError) return translate(lang, 'common.networkError');
    const [only, ...more] = error.fieldErrors;
    if (only && more.length === 0) return `${only.field}: ${formatFieldError(lang, only)}`;
    if (only) return translate(lang, 'fieldError.fieldsInvalid', { count: error.fieldErrors.length });
    return error.detail || error.title;
  }
  if (error instanceof Error) return error.message;
  return translate(lang, 'common.error');
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        retryDelay: (n) => Math.min(500 * 2 ** n, 4000),
        staleTime: 5_000,
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
    mutationCache: new MutationCache({
      onError: (error, _vars, _ctx, mutation) => {
        if (mutation.meta?.inlineError) return;
        const lang = readStoredLang();
        pushToast({ kind: 'error', title: translate(lang, 'common.error'), detail: errorMessage(error, lang) }, 8000);
      },
    }),
  });
}
