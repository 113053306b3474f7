import type { Principal } from './principal.ts';

/** The identifier kinds of the canonical event's `customer`. */
export type IdentifierKind = 'email' | 'phone' | 'billingId' | 'crmId' | 'sourceId';

type Identifiers = Partial<Record<IdentifierKind, string>>;

/** Shows `keep` characters at each end of a value and stars in between (as many as it hides). */
function maskMiddle(value: string, keep: number): string {
  if (value.length <= 2 * keep) return '*'.repeat(value.length);
  return `${value.slice(0, keep)}${'*'.repeat(value.length - 2 * keep)}${value.slice(value.length - keep)}`;
}

/** `ann@example.com` → `a***@example.com`: the domain stays, so a leader still sees "a customer of example.com". */
function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return maskMiddle(email, 1);
  return `${email[0]}***${email.slice(at)}`;
}

/**
 * `+491512345678` → `+49*******678`: country code and last three digits, the rest hidden. Short
 * numbers (E.164 allows 8 digits) show only their last two digits, so most of them stays hidden.
 */
function maskPhone(phone: string): string {
  if (phone.startsWith('+') && phone.length >= 12) return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 6)}${phone.slice(-3)}`;
  const plus = phone.startsWith('+') ? '+' : '';
  const digits = phone.slice(plus.length);
  return `${plus}${'*'.repeat(Math.max(digits.length - 2, 0))}${digits.slice(-2)}`;
}

/** A billing or CRM id: at most a quarter of it at each end (3 characters at most) stays visible. */
function maskId(id: string): string {
  return maskMiddle(id, Math.min(3, Math.floor(id.length / 4)));
}

/** One identifier value, masked for its kind. */
export function maskIdentifier(kind: IdentifierKind, value: string): string {
  switch (kind) {
    case 'email':
      return maskEmail(value);
    case 'phone':
      return maskPhone(value);
    case 'billingId':
    case 'crmId':
      return maskId(value);
    case 'sourceId': {
      // "zendesk:user:5158": which source and kind stay readable, the id itself is masked.
      const colon = value.indexOf(':', value.indexOf(':') + 1);
      return colon < 0 ? maskId(value) : `${value.slice(0, colon + 1)}${maskId(value.slice(colon + 1))}`;
    }
  }
}

const KINDS: readonly IdentifierKind[] = ['email', 'phone', 'billingId', 'crmId', 'sourceId'];

/** An identifier in the identity tables' `kind:value` form (`email:ann@example.com`), masked. */
export function maskIdentifierKey(key: string): string {
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon) as IdentifierKind;
  if (colon < 0 || !KINDS.includes(kind)) return maskId(key);
  return `${kind}:${maskIdentifier(kind, key.slice(colon + 1))}`;
}

/**
 * A customer's identifiers as this principal may see them: unchanged for a key that allows PII,
 * masked otherwise. Other fields of the object are kept as they are; the input is not changed.
 */
export function maskIdentifiers<T extends Identifiers>(customer: T, principal: Pick<Principal, 'pii'>): T {
  if (principal.pii) return customer;
  const masked: T = { ...customer };
  for (const kind of KINDS) {
    const value = customer[kind];
    if (typeof value === 'string') (masked as Identifiers)[kind] = maskIdentifier(kind, value);
  }
  return masked;
}
