import { formatYen } from '@/lib/format';
import { useI18n } from '@/lib/i18n';
import type { Order } from '@/lib/types';

/** Items and total; on a phone price and quantity fold under the product name. */
export function OrderItemsTable({ order }: { order: Order }) {
  const { t } = useI18n();
  return (
    <div className="-mx-4 sm:-mx-5">
      <table className="w-full text-sm" data-testid="order-items">
        <thead className="border-b border-slate-200 text-left text-xs text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-3 pl-4 font-medium sm:pl-5">{t('order.productName')}</th>
            <th scope="col" className="hidden px-3 py-2 text-right font-medium sm:table-cell">{t('order.unitPrice')}</th>
            <th scope="col" className="hidden px-3 py-2 text-right font-medium sm:table-cell">{t('order.quantity')}</th>
            <th scope="col" className="py-2 pr-4 pl-3 text-right font-medium sm:pr-5">{t('order.subtotal')}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {order.items.map((it, i) => (
            <tr key={`${it.product_id}-${i}`}>
              <td className="py-2.5 pr-3 pl-4 sm:pl-5">
                <p className="font-medium text-slate-900">{it.product_name}</p>
                <p className="font-mono text-xs text-slate-500">{it.product_id}</p>
                <p className="mt-0.5 text-xs text-slate-600 tabular-nums sm:hidden">
                  {formatYen(it.unit_price)} × {it.quantity}
                </p>
              </td>
              <td className="hidden px-3 py-2.5 text-right tabular-nums sm:table-cell">{formatYen(it.unit_price)}</td>
              <td className="hidden px-3 py-2.5 text-right tabular-nums sm:table-cell">{it.quantity}</td>
              <td className="py-2.5 pr-4 pl-3 text-right font-medium whitespace-nowrap tabular-nums sm:pr-5">{formatYen(it.subtotal)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="flex items-baseline justify-end gap-4 border-t border-slate-200 px-4 pt-3 sm:px-5">
        <span className="text-sm font-medium text-slate-600">{t('order.total')}</span>
        <span className="text-lg font-bold tabular-nums" data-testid="order-total">{formatYen(order.total_amount)}</span>
      </div>
    </div>
  );
}
