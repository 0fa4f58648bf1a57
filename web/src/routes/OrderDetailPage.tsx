import { useParams } from 'react-router';
import { NotificationLog } from '@/features/notifications/components/NotificationLog';
import { OrderDetail, OrderNotFound } from '@/features/orders/components/OrderDetail';
import { usePaymentForOrder } from '@/features/payments/api/get-payment';
import { PaymentCard } from '@/features/payments/components/PaymentCard';
import { OrderTimeline } from '@/features/timeline/components/OrderTimeline';
import { parseOrderId, type OrderId } from '@/lib/types';

export function OrderDetailPage() {
  const { id = '' } = useParams();
  const orderId = parseOrderId(id);
  return orderId === null ? <OrderNotFound /> : <OrderPage key={orderId} id={orderId} />;
}

/** An order, with its payment, its notifications and its timeline from their features. */
function OrderPage({ id }: { id: OrderId }) {
  const payment = usePaymentForOrder(id);
  return (
    <OrderDetail
      id={id}
      payment={payment.data}
      paymentCard={(order) => <PaymentCard order={order} />}
      notificationLog={(order) => <NotificationLog orderId={order.id} changedAt={order.updated_at} />}
      timeline={(order) => <OrderTimeline orderId={order.id} changedAt={order.updated_at} />}
    />
  );
}
