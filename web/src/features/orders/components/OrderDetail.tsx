import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Card } from '@/components/ui/Card';
import { PageHeader } from '@/components/ui/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/States';
import { buttonClass } from '@/components/ui/styles';
import { ApiError } from '@/lib/api-client';
import { formatDateTime, formatYen } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import { useCan } from '@/lib/session';
import type { Order, OrderId, Payment } from '@/lib/types';
import { useOrder } from '../api/get-order';
import { CustomerCard } from './CustomerCard';
import { OrderActions } from './OrderActions';
import { OrderItemsTable } from './OrderItemsTable';
import { StatusBadge } from './StatusBadge';
import { StatusTimeline } from './StatusTimeline';

/**
 * One order: items, actions, history, customer; the payment, the
 * notification log and the timeline are other features', passed in by the page.
 */
export function OrderDetail({ id, payment, paymentCard, notificationLog, timeline }: {
  id: OrderId;
  /** The order's payment (null: none), for the cancel dialog's refund amount. */
  payment: Payment | null | undefined;
  paymentCard: (order: Order) => ReactNode;
  notificationLog: (order: Order) => ReactNode;
  /** Everything that happened to the order, from every service. */
  timeline?: (order: Order) => ReactNode;
}) {
  const { t, lang } = useI18n();
  const q = useOrder(id);
  const canCreate = useCan('orders.create');

  const back = <BackToOrders />;

  if (q.isPending) return <>{back}<LoadingState /></>;
  if (q.isError) {
    if (q.error instanceof ApiError && q.error.status === 404) return <OrderNotFound detail={q.error.detail} />;
    return <>{back}<ErrorState error={q.error} onRetry={() => void q.refetch()} /></>;
  }
  const order = q.data;

  return (
    <>
      {back}
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            <span data-testid="order-title">{t('order.title', { id: order.id })}</span>
            <StatusBadge status={order.status} className="text-sm" />
          </span>
        }
        subtitle={
          <span className="tabular-nums">
            {formatDateTime(order.created_at, lang)} · {order.customer_name} · <span className="font-semibold text-slate-700">{formatYen(order.total_amount)}</span>
          </span>
        }
        actions={
          order.status === 'payment_failed' && canCreate ? (
            <Link to="/orders/new" className={buttonClass('secondary', 'sm')}>{t('nav.newOrder')}</Link>
          ) : undefined
        }
      />
      {/* Two columns on wide screens; on a phone the cards interleave (items and actions first). */}
      <div className="flex flex-col gap-4 lg:grid lg:grid-cols-3 lg:items-start">
        <div className="contents min-w-0 lg:col-span-2 lg:block lg:space-y-4">
          <Card title={t('order.items')} className="order-1 lg:order-none">
            <OrderItemsTable order={order} />
          </Card>
          <div className="order-3 lg:order-none">
            {paymentCard(order)}
          </div>
          <div className="order-5 lg:order-none">
            {notificationLog(order)}
          </div>
          {timeline && <div className="order-7 lg:order-none">{timeline(order)}</div>}
        </div>
        <div className="contents lg:block lg:space-y-4">
          <div className="order-2 lg:order-none">
            <OrderActions order={order} payment={payment} />
          </div>
          <Card title={t('order.history')} className="order-4 lg:order-none">
            <StatusTimeline history={order.status_history} current={order.status} />
          </Card>
          <div className="order-6 lg:order-none">
            <CustomerCard order={order} />
          </div>
        </div>
      </div>
    </>
  );
}

function BackToOrders() {
  const { t } = useI18n();
  return (
    <Link to="/orders" className="mb-3 inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-800">
      ← {t('nav.orders')}
    </Link>
  );
}

/** No such order (the gateway's 404, or an address that cannot name one). */
export function OrderNotFound({ detail }: { detail?: string }) {
  const { t } = useI18n();
  return (
    <>
      <BackToOrders />
      <Card><EmptyState title={t('order.notFound')}>{detail && <p className="mt-1">{detail}</p>}</EmptyState></Card>
    </>
  );
}
