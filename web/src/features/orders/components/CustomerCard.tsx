import type { ReactNode } from 'react';
import { Card } from '@/components/ui/Card';
import { formatDateTime } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import type { Order } from '@/lib/types';
import { Link } from 'react-router';

export function CustomerCard({ order }: { order: Order }) {
  const { t, lang } = useI18n();
  const rows: [string, ReactNode][] = [
    [t('order.name'), order.customer_name],
    [t('order.email'), <Link key="e" className="break-all text-indigo-600 hover:underline" to={`/orders?email=${encodeURIComponent(order.customer_email)}`}>{order.customer_email}</Link>],
    [t('order.phone'), order.customer_phone || '—'],
    [t('order.address'), order.shipping_address || '—'],
    [t('order.createdAt'), formatDateTime(order.created_at, lang)],
  ];
  if (order.batch_id) rows.push([t('order.batch'), <Link key="b" className="font-mono text-xs text-indigo-600 hover:underline" to={`/orders?batch=${encodeURIComponent(order.batch_id)}`}>{order.batch_id}</Link>]);
  return (
    <Card title={t('order.customer')}>
      <dl className="space-y-2.5 text-sm">
        {rows.map(([k, v]) => (
          <div key={k} className="grid grid-cols-[6.5rem_1fr] gap-2">
            <dt className="text-slate-500">{k}</dt>
            <dd className="min-w-0 break-words whitespace-pre-line text-slate-900">{v}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
