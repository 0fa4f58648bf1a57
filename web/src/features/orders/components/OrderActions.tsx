import { useCallback, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Button } from '@/components/ui/Button';
import { Card } from '@/components/ui/Card';
import { Dialog } from '@/components/ui/Dialog';
import { ErrorState } from '@/components/ui/States';
import { formatYen } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import { useCan, useSession } from '@/lib/session';
import { pushToast } from '@/lib/toast';
import type { Order, Payment } from '@/lib/types';
import { paymentKeys } from '@/lib/query-keys';
import { useCancelOrder } from '../api/cancel-order';
import { useUpdateOrderStatus } from '../api/update-order-status';
import { availableActions } from './status';

export function OrderActions({ order, payment }: { order: Order; payment: Payment | null | undefined }) {
  const { t } = useI18n();
  const me = useSession();
  const mayChangeStatus = useCan('orders.status');
  const mayCancel = useCan('orders.cancel');
  // What the order's status allows, less what the role may not do.
  const byStatus = availableActions(order.status);
  const actions = { ship: byStatus.ship && mayChangeStatus, deliver: byStatus.deliver && mayChangeStatus, cancel: byStatus.cancel && mayCancel };
  const roleLimited = (byStatus.ship || byStatus.deliver || byStatus.cancel) && !(mayChangeStatus && mayCancel);
  const update = useUpdateOrderStatus(order.id);
  const [cancelOpen, setCancelOpen] = useState(false);
  const closeCancel = useCallback(() => setCancelOpen(false), []);

  const mark = (status: 'shipped' | 'delivered') =>
    update.mutate(status, {
      onSuccess: (o) => pushToast({ kind: 'success', title: t('order.statusUpdated', { status: t(`status.${o.status}`) }) }),
    });

  const none = !actions.ship && !actions.deliver && !actions.cancel;
  return (
    <Card title={t('order.actions')} testId="order-actions">
      {none ? (
        <p className="text-sm text-slate-500" data-testid={roleLimited ? 'actions-not-allowed' : 'no-actions'}>
          {roleLimited && me ? t('order.noActionsRole', { role: t(`role.${me.role}`) }) : t('order.noActions')}
        </p>
      ) : (
        <div className="flex flex-col gap-2">
          {actions.ship && (
            <Button onClick={() => mark('shipped')} loading={update.isPending} data-testid="mark-shipped">
              {t('order.markShipped')}
            </Button>
          )}
          {actions.deliver && (
            <Button onClick={() => mark('delivered')} loading={update.isPending} data-testid="mark-delivered">
              {t('order.markDelivered')}
            </Button>
          )}
          {actions.cancel && (
            <Button variant="secondary" className="text-rose-700" onClick={() => setCancelOpen(true)} data-testid="cancel-order">
              {t('order.cancel')}
            </Button>
          )}
        </div>
      )}
      <CancelDialog open={cancelOpen} onClose={closeCancel} order={order} payment={payment} />
    </Card>
  );
}

function CancelDialog({ open, onClose, order, payment }: { open: boolean; onClose: () => void; order: Order; payment: Payment | null | undefined }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const cancel = useCancelOrder(order.id);
  const [after, setAfter] = useState<{ payment: Payment | null } | null>(null);

  const refundable = payment ? payment.amount - payment.refunded_amount : 0;

  const close = () => {
    onClose();
    // Keep the result readable until the dialog is gone.
    setTimeout(() => {
      setAfter(null);
      cancel.reset();
    }, 0);
  };

  // useCancelOrder has refetched the payment (its refund) before this runs;
  // the payments feature owns that query, the shared cache holds its answer.
  const confirm = () =>
    cancel.mutate(undefined, {
      onSuccess: () => setAfter({ payment: qc.getQueryData<Payment | null>(paymentKeys.byOrder(order.id)) ?? null }),
    });

  if (after) {
    const refunded = after.payment?.refunded_amount ?? 0;
    return (
      <Dialog
        open={open}
        onClose={close}
        title={t('order.cancelDone', { id: order.id })}
        footer={<Button onClick={close} data-autofocus>{t('common.close')}</Button>}
      >
        <div className="flex items-center gap-3 rounded-lg bg-emerald-50 p-3 text-emerald-900" data-testid="cancel-result">
          <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" className="size-5 shrink-0 text-emerald-600" aria-hidden="true"><path strokeLinecap="round" strokeLinejoin="round" d="m4.5 12.75 6 6 9-13.5" /></svg>
          <p className="font-medium" data-testid="cancel-refund">
            {after.payment && refunded > 0 ? t('order.cancelRefund', { amount: formatYen(refunded) }) : t('order.cancelNoRefund')}
          </p>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog
      open={open}
      onClose={cancel.isPending ? () => undefined : close}
      title={t('order.cancelTitle', { id: order.id })}
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={cancel.isPending} data-autofocus>
            {t('common.cancel')}
          </Button>
          <Button variant="danger" onClick={confirm} loading={cancel.isPending} data-testid="confirm-cancel">
            {cancel.isPending ? t('order.cancelling') : t('order.cancelConfirm')}
          </Button>
        </>
      }
    >
      <p>{refundable > 0 ? t('order.cancelBody', { amount: formatYen(refundable) }) : t('order.cancelBodyUnpaid')}</p>
      {cancel.isError && <ErrorState error={cancel.error} className="mt-3" />}
    </Dialog>
  );
}
