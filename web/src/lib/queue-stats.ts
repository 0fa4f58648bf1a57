/**
 * The notification queue's figures (`GET /api/v1/notifications/stats`):
 * queued, sent, failed and the sending rate. Shared by the notifications
 * feature (the dashboard tile) and the imports feature (how fast an
 * import's mails go out): one query, one cache entry.
 */
import { queryOptions } from '@tanstack/react-query';
import { api, call } from './api-client';
import { notificationKeys } from './query-keys';

export function getQueueStats(signal?: AbortSignal) {
  return call(api.GET('/api/v1/notifications/stats', { signal }));
}

export const queueStatsQuery = () =>
  queryOptions({ queryKey: notificationKeys.stats(), queryFn: ({ signal }) => getQueueStats(signal) });
