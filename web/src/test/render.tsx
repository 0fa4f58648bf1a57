import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { I18nProvider, type Lang } from '@/lib/i18n';
import { SessionContext } from '@/lib/session';
import type { Me, Role } from '@/lib/types';

/**
 * Renders with the app's providers; no retries so failures show at once.
 * Signed in as an admin unless `role` says otherwise (`null`: nobody).
 */
export function renderWithProviders(
  ui: ReactElement,
  { lang = 'ja', route = '/', role = 'admin' }: { lang?: Lang; route?: string; role?: Role | null } = {},
) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const me: Me | null = role ? { email: `${role}@example.jp`, role, kind: 'user' } : null;
  return render(
    <I18nProvider initialLang={lang}>
      <QueryClientProvider client={client}>
        <SessionContext.Provider value={me}>
          <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
        </SessionContext.Provider>
      </QueryClientProvider>
    </I18nProvider>,
  );
}

export function jsonResponse(body: unknown, status = 200, contentType = 'application/json'): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': contentType } });
}

/** The URL a mocked fetch was called with (the api client passes a `Request`). */
export function urlOf(input: RequestInfo | URL): URL {
  return new URL(input instanceof Request ? input.url : String(input), 'http://localhost');
}
