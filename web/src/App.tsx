import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { AppShell } from '@/components/layout/AppShell';
import { SessionGate } from '@/components/layout/SessionGate';
import { I18nProvider } from '@/lib/i18n';
import { createQueryClient } from '@/lib/query-client';
import { ApiKeysPage } from '@/routes/ApiKeysPage';
import { AuditPage } from '@/routes/AuditPage';
import { DashboardPage } from '@/routes/DashboardPage';
import { DeliveryFailuresPage } from '@/routes/DeliveryFailuresPage';
import { ImportDetailPage } from '@/routes/ImportDetailPage';
import { ImportsPage } from '@/routes/ImportsPage';
import { LoginPage } from '@/routes/LoginPage';
import { NewOrderPage } from '@/routes/NewOrderPage';
import { NotFoundPage, RouteErrorPage } from '@/routes/NotFoundPage';
import { OrderDetailPage } from '@/routes/OrderDetailPage';
import { OrdersPage } from '@/routes/OrdersPage';
import { TemplatesPage } from '@/routes/TemplatesPage';
import { UsersPage } from '@/routes/UsersPage';

const router = createBrowserRouter([
  // The one page outside the session.
  { path: 'login', element: <LoginPage />, errorElement: <RouteErrorPage /> },
  {
    element: (
      <SessionGate>
        <AppShell />
      </SessionGate>
    ),
    errorElement: <RouteErrorPage />,
    children: [
      {
        errorElement: <RouteErrorPage />,
        children: [
          { index: true, element: <DashboardPage /> },
          { path: 'orders', element: <OrdersPage /> },
          { path: 'orders/new', element: <NewOrderPage /> },
          { path: 'orders/:id', element: <OrderDetailPage /> },
          { path: 'imports', element: <ImportsPage /> },
          { path: 'imports/:id', element: <ImportDetailPage /> },
          { path: 'templates', element: <TemplatesPage /> },
          { path: 'failures', element: <DeliveryFailuresPage /> },
          { path: 'users', element: <UsersPage /> },
          { path: 'api-keys', element: <ApiKeysPage /> },
          { path: 'audit', element: <AuditPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </I18nProvider>
  );
}
