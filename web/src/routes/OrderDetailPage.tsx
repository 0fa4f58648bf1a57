import { useParams } from 'react-router';
import { NotificationLog } from '@/features/notifications/components/NotificationLog';
import { OrderDetail, OrderNotFound } from '@/features/orders/components/OrderDetail';
import { usePaymentForOrder } from '@/features/payments/api/get-payment';
import { PaymentCard } from '@/features/payments/components/PaymentCard';
import { parseOrderId, type OrderId } from '@/lib/types';

export function OrderDetailPage() {
  const { id = '' } = useParams();
  const orderId = parseOrderId(id);
  return orderId === null ? <OrderNotFound /> : <OrderPage key={orderId} id={orderId} />;
}

/** An order, with its payment and its notifications from their features. */
function OrderPage({ id }: { id: OrderId }) {
  const payment = usePaymentForOrder(id);
  return (
    <OrderDetail
      id={id}
      payment={payment.data}
      paymentCard={(order) => <PaymentCard order={order} />}
      notificationLog={(order) => <NotificationLog orderId={order.id} changedAt={order.updated_at} />}
    />
  );
}
