/**
 * Names for the generated DTO types. Nothing here is written by hand: every
 * alias points into `api-types.ts`, which `npm run gen:api` generates from the
 * gateway's OpenAPI document.
 */
import type { components, operations } from './api-types';

type Schemas = components['schemas'];

export type Order = Schemas['Order'];
export type OrderItem = Schemas['OrderItem'];
export type OrderStatus = Schemas['OrderStatus'];
export type OrderList = Schemas['OrderList'];
export type OrderStats = Schemas['OrderStats'];
export type StatusChange = Schemas['StatusChange'];
export type StatusUpdate = Schemas['StatusUpdate'];
export type NewOrder = Schemas['NewOrder'];
export type NewOrderItem = Schemas['NewOrderItem'];
export type Payment = Schemas['Payment'];
export type Refund = Schemas['Refund'];
export type NewRefund = Schemas['NewRefund'];
export type Notification = Schemas['Notification'];
export type Template = Schemas['Template'];
export type TemplateCode = Schemas['TemplateCode'];
export type TemplateUpdate = Schemas['TemplateUpdate'];
export type QueueStats = Schemas['QueueStats'];
export type Readiness = Schemas['Readiness'];
export type Problem = Schemas['Problem'];
export type Import = Schemas['Import'];
export type ImportReport = Schemas['ImportReport'];
export type ImportList = Schemas['ImportList'];
export type ImportErrors = Schemas['ImportErrors'];
export type ImportStatus = Schemas['ImportStatus'];
export type RowError = Schemas['RowError'];
export type FieldErrorBody = Schemas['FieldError'];
export type Role = Schemas['Role'];
export type Me = Schemas['Me'];
export type Login = Schemas['Login'];
export type User = Schemas['User'];
export type NewUser = Schemas['NewUser'];
export type UserUpdate = Schemas['UserUpdate'];
export type ApiKey = Schemas['ApiKey'];
export type NewApiKey = Schemas['NewApiKey'];
export type CreatedApiKey = Schemas['CreatedApiKey'];
export type AuditEntry = Schemas['AuditEntry'];
export type AuditPage = Schemas['AuditPage'];
export type DeliveryAttempt = Schemas['DeliveryAttempt'];
export type NotificationList = Schemas['NotificationList'];
export type RetriedFailed = Schemas['RetriedFailed'];
export type OutboxService = Schemas['OutboxService'];
export type OutboxEvent = Schemas['OutboxEvent'];
export type OutboxEventList = Schemas['OutboxEventList'];
export type OutboxEventStatus = Schemas['OutboxEventStatus'];
export type TimelineSource = Schemas['TimelineSource'];
export type TimelineEntry = Schemas['TimelineEntry'];
export type OrderTimeline = Schemas['Timeline'];

/** The query of `GET /api/v1/orders`: filters, page size, date order, cursor. */
export type OrderListQuery = NonNullable<operations['list_orders']['parameters']['query']>;
/** The query of `GET /api/v1/orders/imports`: page size and cursor. */
export type ImportListQuery = NonNullable<operations['list_imports']['parameters']['query']>;
/** The query of `GET /api/v1/audit`: actor (exact), target (path prefix), page size, cursor. */
export type AuditQuery = NonNullable<operations['audit']['parameters']['query']>;

/** Every order status, in the order of the happy path then the dead ends. */
export const ORDER_STATUSES = [
  'pending',
  'payment_processing',
  'paid',
  'shipped',
  'delivered',
  'payment_failed',
  'cancelled',
] as const satisfies readonly OrderStatus[];

/** Every import status; `validated` is a dry run's (never stored). */
export const IMPORT_STATUSES = [
  'queued',
  'running',
  'completed',
  'completed_with_errors',
  'failed',
  'validated',
] as const satisfies readonly ImportStatus[];

/** The services whose outbox an operator reads (each answers its own dead letters). */
export const OUTBOX_SERVICES = ['order', 'payment'] as const satisfies readonly OutboxService[];

/** An order's id (the document's int64; the same id names its payment's and notifications' lists). */
export type OrderId = Order['id'];

/** The order id in a page address (`/orders/42`), or null when it cannot be one. */
export function parseOrderId(s: string): OrderId | null {
  return /^[1-9][0-9]{0,15}$/.test(s) ? Number(s) : null;
}
