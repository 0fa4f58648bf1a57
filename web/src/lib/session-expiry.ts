/**
 * A flag raised when any API answer says the caller is not signed in
 * (401): the session gate (`components/layout/SessionGate`) sends the person
 * to sign-in, and back afterwards. Kept apart from `session.tsx` so the API
 * client can raise it without importing what imports the client.
 */
import { useSyncExternalStore } from 'react';

let expired = false;
const listeners = new Set<() => void>();

function emit() {
  for (const l of listeners) l();
}

export function markSessionExpired() {
  if (expired) return;
  expired = true;
  emit();
}

export function clearSessionExpired() {
  if (!expired) return;
  expired = false;
  emit();
}

export function isSessionExpired(): boolean {
  return expired;
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => {
    listeners.delete(l);
  };
}

export function useSessionExpired(): boolean {
  return useSyncExternalStore(subscribe, isSessionExpired, isSessionExpired);
}
