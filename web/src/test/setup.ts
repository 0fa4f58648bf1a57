import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { clearSessionExpired } from '@/lib/session-expiry';

afterEach(() => {
  cleanup();
  window.localStorage.clear();
  clearSessionExpired();
});
