import { describe, expect, it } from 'vitest';
import { maskIdentifier, maskIdentifierKey, maskIdentifiers } from './mask.ts';
import { UNRESTRICTED, type Principal } from './principal.ts';

const teamKey: Principal = { keyId: 'k1', admin: false, teams: ['billing-t1'], pii: false };

describe('masking customer identifiers', () => {
  it('masks every identifier of a key without PII, keeping the shape a person recognises', () => {
    const customer = { email: 'ann@example.com', phone: '+491512345678', billingId: 'cus_N1a2b3c4d5', crmId: '0015g00000X' };
    expect(maskIdentifiers(customer, teamKey)).toEqual({
      email: 'a***@example.com',
      phone: '+49*******678',
      billingId: 'cus********4d5',
      crmId: '00*******0X',
    });
  });

  it('shows identifiers unmasked to a key that allows PII, admin or not', () => {
    const customer = { email: 'ann@example.com', phone: '+491512345678' };
    expect(maskIdentifiers(customer, { ...teamKey, pii: true })).toEqual(customer);
    expect(maskIdentifiers(customer, UNRESTRICTED)).toEqual(customer);
  });

  it('masks for an admin key without PII too: seeing every team is not seeing identities', () => {
    const adminWithoutPii: Principal = { ...teamKey, admin: true, teams: [] };
    expect(maskIdentifiers({ email: 'bo@x.org' }, adminWithoutPii)).toEqual({ email: 'b***@x.org' });
  });

  it('keeps other fields and missing identifiers as they are, and leaves the input unchanged', () => {
    const customer = { email: 'ann@example.com', customerId: 'c-42', firstContact: '2026-03-01T10:00:00.000Z' };
    expect(maskIdentifiers(customer, teamKey)).toEqual({ email: 'a***@example.com', customerId: 'c-42', firstContact: '2026-03-01T10:00:00.000Z' });
    expect(customer.email).toBe('ann@example.com');
    expect(maskIdentifiers({}, teamKey)).toEqual({});
  });

  it('hides at least as many characters as it shows, also for short values', () => {
    expect(maskIdentifier('billingId', 'cus_123')).toBe('c*****3');
    expect(maskIdentifier('crmId', 'abc')).toBe('***');
    expect(maskIdentifier('phone', '+12345678')).toBe('+******78');
    expect(maskIdentifier('phone', '+44201234567')).toBe('+44******567');
    expect(maskIdentifier('email', 'x@y.io')).toBe('x***@y.io');
    expect(maskIdentifier('email', 'not-an-email')).toBe('n**********l');
  });

  it('never lets the length of a local part show through an e-mail', () => {
    expect(maskIdentifier('email', 'a@example.com')).toBe(maskIdentifier('email', 'alexandra@example.com'));
  });

  it('masks identifiers in the identity tables\' kind:value form', () => {
    expect(maskIdentifierKey('email:ann@example.com')).toBe('email:a***@example.com');
    expect(maskIdentifierKey('phone:+491512345678')).toBe('phone:+49*******678');
    expect(maskIdentifierKey('somethingelse')).toBe('som*******lse');
  });
});
