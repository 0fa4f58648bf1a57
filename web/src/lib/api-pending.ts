/**
 * TEMPORARY, written by hand: the routes the gateway is getting now (the
 * outbox's dead letters, an order's timeline) in the shape openapi-typescript
 * generates, until they are in `openapi.json`. `api-client.ts` types its
 * client on `paths & PendingPaths`, so features call these routes exactly as
 * they will call the generated ones. Once `npm run gen:api` has them, this
 * file goes and `types.ts` names the generated schemas instead.
 */

type Json<T> = { headers: { [name: string]: unknown }; content: { 'application/json': T } };
type ProblemAnswer = { headers: { [name: string]: unknown }; content: { 'application/problem+json': PendingProblem } };
type PendingProblem = { type?: string; title: string; status: number; detail?: string; code?: string; trace_id?: string | null };
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type Unused = { get?: never; put?: never; post?: never; delete?: never; options?: never; head?: never; patch?: never; trace?: never };

export type PendingSchemas = {
  /** Which service's outbox. */
  OutboxService: 'order' | 'payment';
  OutboxEventStatus: 'pending' | 'delivered' | 'dead';
  /** One try at delivering an event (the notification service's words). */
  OutboxAttempt: {
    attempt: number;
    at: string;
    outcome: 'sent' | 'retry' | 'failed';
    error?: string | null;
    duration_ms: number;
  };
  /** An event a service owes another, with every attempt at delivering it. */
  OutboxEvent: {
    id: number;
    service: PendingSchemas['OutboxService'];
    /** `payment.event`, `order.refund`... */
    topic: string;
    key: string;
    order_id: number;
    summary: string;
    status: PendingSchemas['OutboxEventStatus'];
    attempts: number;
    next_attempt_at?: string | null;
    last_error?: string | null;
    trace_id?: string | null;
    created_at: string;
    delivered_at?: string | null;
    delivery_attempts: PendingSchemas['OutboxAttempt'][];
  };
  OutboxEventList: { events: PendingSchemas['OutboxEvent'][]; next_cursor?: string | null };
  RetriedDead: { requeued: number };
  TimelineSource: 'order' | 'payment' | 'notification' | 'outbox' | 'gateway';
  TimelineEntry: {
    at: string;
    source: PendingSchemas['TimelineSource'];
    kind: string;
    summary: string;
    actor?: string | null;
    trace_id?: string | null;
    trace_url?: string | null;
  };
  OrderTimeline: {
    order_id: number;
    /** Oldest first. */
    events: PendingSchemas['TimelineEntry'][];
    /** The sources that could not be read (their entries are missing). */
    unavailable: string[];
  };
};

type ServicePath = { service: PendingSchemas['OutboxService'] };

export interface PendingPaths {
  '/api/v1/outbox/{service}/events': {
    parameters: NoParams;
    get: {
      parameters: {
        query?: { status?: PendingSchemas['OutboxEventStatus']; order_id?: number; limit?: number; cursor?: string };
        header?: never;
        path: ServicePath;
        cookie?: never;
      };
      requestBody?: never;
      responses: { 200: Json<PendingSchemas['OutboxEventList']>; 401: ProblemAnswer; 403: ProblemAnswer; 422: ProblemAnswer; 503: ProblemAnswer };
    };
  } & Omit<Unused, 'get'>;
  '/api/v1/outbox/{service}/events/{id}/retry': {
    parameters: NoParams;
    post: {
      parameters: { query?: never; header?: never; path: ServicePath & { id: number }; cookie?: never };
      requestBody?: never;
      responses: { 200: Json<PendingSchemas['OutboxEvent']>; 401: ProblemAnswer; 403: ProblemAnswer; 404: ProblemAnswer; 409: ProblemAnswer; 503: ProblemAnswer };
    };
  } & Omit<Unused, 'post'>;
  '/api/v1/outbox/{service}/retry-dead': {
    parameters: NoParams;
    post: {
      parameters: { query?: never; header?: never; path: ServicePath; cookie?: never };
      requestBody?: never;
      responses: { 200: Json<PendingSchemas['RetriedDead']>; 401: ProblemAnswer; 403: ProblemAnswer; 503: ProblemAnswer };
    };
  } & Omit<Unused, 'post'>;
  '/api/v1/orders/{id}/timeline': {
    parameters: NoParams;
    get: {
      parameters: { query?: never; header?: never; path: { id: number }; cookie?: never };
      requestBody?: never;
      responses: { 200: Json<PendingSchemas['OrderTimeline']>; 401: ProblemAnswer; 404: ProblemAnswer; 503: ProblemAnswer };
    };
  } & Omit<Unused, 'get'>;
}
