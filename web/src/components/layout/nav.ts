import type { MessageKey } from '@/lib/i18n';

export type NavItem = { to: string; label: MessageKey; icon: keyof typeof ICONS; end?: boolean };

/** Heroicons outline paths (MIT). */
export const ICONS = {
  home: 'M2.25 12l8.954-8.955a1.126 1.126 0 011.591 0L21.75 12M4.5 9.75v10.125c0 .621.504 1.125 1.125 1.125H9.75v-4.875c0-.621.504-1.125 1.125-1.125h2.25c.621 0 1.125.504 1.125 1.125V21h4.125c.621 0 1.125-.504 1.125-1.125V9.75M8.25 21h8.25',
  list: 'M8.25 6.75h12M8.25 12h12m-12 5.25h12M3.75 6.75h.007v.008H3.75V6.75zm.375 0a.375.375 0 11-.75 0 .375.375 0 01.75 0zM3.75 12h.007v.008H3.75V12zm.375 0a.375.375 0 11-.75 0 .375.375 0 01.75 0zm-.375 5.25h.007v.008H3.75v-.008zm.375 0a.375.375 0 11-.75 0 .375.375 0 01.75 0z',
  plus: 'M12 9v6m3-3H9m12 0a9 9 0 11-18 0 9 9 0 0118 0z',
  mail: 'M21.75 6.75v10.5a2.25 2.25 0 01-2.25 2.25h-15a2.25 2.25 0 01-2.25-2.25V6.75m19.5 0A2.25 2.25 0 0019.5 4.5h-15a2.25 2.25 0 00-2.25 2.25m19.5 0v.243a2.25 2.25 0 01-1.07 1.916l-7.5 4.615a2.25 2.25 0 01-2.36 0L3.32 8.91a2.25 2.25 0 01-1.07-1.916V6.75',
  upload: 'M3 16.5v2.25A2.25 2.25 0 005.25 21h13.5A2.25 2.25 0 0021 18.75V16.5m-13.5-9L12 3m0 0l4.5 4.5M12 3v13.5',
} as const;

/** The main navigation. */
export const NAV_ITEMS: NavItem[] = [
  { to: '/', label: 'nav.dashboard', icon: 'home', end: true },
  { to: '/orders', label: 'nav.orders', icon: 'list' },
  { to: '/orders/new', label: 'nav.newOrder', icon: 'plus', end: true },
  { to: '/imports', label: 'nav.imports', icon: 'upload' },
  { to: '/templates', label: 'nav.templates', icon: 'mail' },
];

/** Whether an entry is the current section: the most specific entry wins (/orders/new is not /orders). */
export function isNavActive(item: NavItem, pathname: string): boolean {
  const matches = (n: NavItem) => (n.end ? pathname === n.to : pathname === n.to || pathname.startsWith(`${n.to}/`));
  if (!matches(item)) return false;
  return !NAV_ITEMS.some((other) => other !== item && other.to.length > item.to.length && matches(other));
}
