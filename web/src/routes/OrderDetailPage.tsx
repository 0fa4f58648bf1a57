import { useParams } from 'react-router';
import { NotificationLog } from '@/features/notifications/components/NotificationLog';
import { OrderDetail } from '@/features/orders/components/OrderDetail';
import { usePaymentForOrder } from '@/features/payments/api/get-payment';
import { PaymentCard } from '@/features/payments/components/PaymentCard';

/** An order, with its payment and its notifications from their features. */
export function OrderDetailPage() {
  const { id = '' } = useParams();
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
