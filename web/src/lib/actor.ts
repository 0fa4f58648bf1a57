/**
 * Who did something, as the gateway names them (`user:<email>`,
 * `key:<id>:<name>`, `service:<name>`, `system:<task>`, `anonymous`), in
 * the operator's words.
 */
import { translate, type Lang } from './i18n';

export type Actor =
  | { kind: 'user'; email: string }
  | { kind: 'key'; id: string; name: string }
  | { kind: 'service' | 'system'; name: string }
  | { kind: 'anonymous' }
  | { kind: 'other'; text: string };

export function parseActor(raw: string): Actor {
  if (raw === 'anonymous') return { kind: 'anonymous' };
  const colon = raw.indexOf(':');
  const kind = colon > 0 ? raw.slice(0, colon) : '';
  const rest = raw.slice(colon + 1);
  if (kind === 'user' && rest) return { kind: 'user', email: rest };
  if (kind === 'key') {
    const m = /^(\d+):(.*)$/s.exec(rest);
    if (m) return { kind: 'key', id: m[1] ?? '', name: m[2] ?? '' };
  }
  if ((kind === 'service' || kind === 'system') && rest) return { kind, name: rest };
  return { kind: 'other', text: raw };
}

export function formatActor(raw: string, lang: Lang): string {
  const a = parseActor(raw);
  switch (a.kind) {
    case 'user':
      return a.email;
    case 'key':
      return translate(lang, 'actor.key', { name: a.name, id: a.id });
    case 'service':
      return translate(lang, 'actor.service', { name: a.name });
    case 'system':
      return translate(lang, 'actor.system', { name: a.name });
    case 'anonymous':
      return translate(lang, 'actor.anonymous');
    case 'other':
      return a.text;
  }
}
