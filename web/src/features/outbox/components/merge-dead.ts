import type { OutboxEvent, OutboxEventList, OutboxService } from '@/lib/types';

/** What the list needs of one service's query (a TanStack infinite query result has it). */
export type ServiceQuery = {
  status: 'pending' | 'error' | 'success';
  data?: { pages: readonly OutboxEventList[] } | undefined;
  error: unknown;
  hasNextPage: boolean;
};

export type MergedDead = {
  /** Every service's events, newest first. */
  events: OutboxEvent[];
  /** The services that did not answer, with why. */
  failed: { service: OutboxService; error: unknown }[];
  /** Some service has not answered yet. */
  pending: boolean;
  /** Some service has more pages. */
  hasMore: boolean;
};

/**
 * One list out of each service's pages: newest first (then the higher id),
 * the services that failed named so the list can say what it lacks.
 */
export function mergeDead(queries: readonly { service: OutboxService; query: ServiceQuery }[]): MergedDead {
  const events = queries.flatMap(({ query }) => query.data?.pages.flatMap((p) => p.events) ?? []);
  events.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id || a.service.localeCompare(b.service));
  return {
    events,
    failed: queries.filter(({ query }) => query.status === 'error').map(({ service, query }) => ({ service, error: query.error })),
    pending: queries.some(({ query }) => query.status === 'pending'),
    hasMore: queries.some(({ query }) => query.status === 'success' && query.hasNextPage),
  };
}
