import type { CanonicalEventInput } from '@seamline/schemas';
import { randomText, type Random } from './random.ts';

export type CustomerIdentifiersInput = CanonicalEventInput['customer'];

/**
 * One fictional customer: who they are in each system, and the habits that decide which
 * identifiers each system gets to see.
 */
export interface SampleCustomer {
  /** As typed at sign-up, mixed case: "Anna.Schmidt42@Example.com". */
  signupEmail: string;
  phone: { country: string; area: string; subscriber: string };
  billingId: string;
  crmId: string;
  plan: 'basic' | 'pro' | 'family';
  /** Types the account number into the phone menu, so calls carry the billing id too. */
  givesAccountNumber: boolean;
  /** Calls with caller id withheld; the phone system then reports "anonymous". */
  withholdsNumber: boolean;
  /** Fills in the phone field of the web form, so tickets carry the phone too. */
  writesPhoneInTickets: boolean;
  /** The billing system has their e-mail, so billing events carry it. */
  billingHasEmail: boolean;
}

/** Names as they end up in e-mail addresses: "Chloé Müller" writes chloe.muller. */
function asciiOnly(names: readonly string[]): readonly string[] {
  return names.map((name) => name.normalize('NFD').replace(/[^A-Za-z]/g, ''));
}

const FIRST_NAMES = asciiOnly([
  'Anna', 'Ben', 'Chloé', 'David', 'Elif', 'Finn', 'Greta', 'Hannah', 'Ivan', 'Jana', 'Kofi', 'Lena',
  'Marta', 'Noah', 'Olga', 'Paul', 'Priya', 'Quentin', 'Rosa', 'Sami', 'Tom', 'Ulla', 'Vera', 'Wei',
  'Yusuf', 'Zoe',
]);
const LAST_NAMES = asciiOnly([
  'Schmidt', 'Müller', 'Novak', 'Okafor', 'Rossi', 'Dubois', 'Kowalski', 'Jansen', 'Yilmaz', 'Berg',
  'Santos', 'Lindqvist', 'Fischer', 'Moreau', 'Haddad', 'Nguyen', 'Weber', 'Costa', 'Svoboda', 'Keller',
]);
// Reserved example domains (RFC 2606, RFC 6761): the sample can never name a real mailbox.
const DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example', 'inbox.example'] as const;
const PHONE_PLANS = [
  { country: '49', areas: ['151', '160', '170', '176'] },
  { country: '43', areas: ['660', '664', '676'] },
  { country: '41', areas: ['76', '78', '79'] },
  { country: '31', areas: ['6'] },
] as const;

/**
 * `text` as one flat string. A template literal leaves a tree of its pieces, and the sample keeps
 * identifiers for days in the events told but not yet due; reading a character makes the engine
 * flatten the string, and the pieces can go.
 */
export function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}

/** The identifiers, each a flat string (see flat): for those an event keeps until it is due. */
export function flatIdentifiers(identifiers: CustomerIdentifiersInput): CustomerIdentifiersInput {
  for (const value of Object.values(identifiers)) if (typeof value === 'string') flat(value);
  return identifiers;
}

const PLANS = [
  ['basic', 5],
  ['pro', 3],
  ['family', 2],
] as const;

/**
 * Customer number `index` of the sample. Every identifier embeds the index, so no two customers
 * ever share one by accident: any merge the stitcher makes is one the sample meant.
 */
export function sampleCustomer(random: Random, index: number): SampleCustomer {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const domain = random.pick(DOMAINS);
  const phonePlan = random.pick(PHONE_PLANS);
  // A bijection of the index onto eight digits (7919 is prime to 10): unique, yet not sequential.
  const subscriber = String((index * 7919 + 13_579_246) % 100_000_000).padStart(8, '0');
  const signupDomain = random.chance(0.3) ? `${domain.charAt(0).toUpperCase()}${domain.slice(1)}` : domain;
  const withholdsNumber = random.chance(0.03);
  return {
    signupEmail: `${first}.${last}${index}@${signupDomain}`,
    phone: { country: phonePlan.country, area: random.pick(phonePlan.areas), subscriber },
    billingId: `cus_${index.toString(36).padStart(6, '0')}${randomText(random, 8)}`,
    crmId: `0015g0000${index.toString(36).toUpperCase().padStart(9, '0')}`,
    plan: random.weighted(PLANS),
    givesAccountNumber: withholdsNumber || random.chance(0.3),
    withholdsNumber,
    writesPhoneInTickets: random.chance(0.15),
    billingHasEmail: random.chance(0.75),
  };
}

/** The e-mail as a person or a system happens to write it: identical after normalisation. */
export function emailAsWritten(random: Random, customer: SampleCustomer): string {
  const style = random.weighted([
    ['lower', 55],
    ['signup', 30],
    ['shouted', 5],
    ['padded', 10],
  ] as const);
  const email = customer.signupEmail;
  if (style === 'lower') return email.toLowerCase();
  if (style === 'shouted') return email.toUpperCase();
  if (style === 'padded') return ` ${email} `;
  return email;
}

/** The phone number formatted one of the ways people and systems write it: one E.164 number. */
export function phoneAsDialled(random: Random, customer: SampleCustomer): string {
  const { country, area, subscriber } = customer.phone;
  const head = subscriber.slice(0, 4);
  const tail = subscriber.slice(4);
  switch (random.int(0, 4)) {
    case 0:
      return `+${country}${area}${subscriber}`;
    case 1:
      return `+${country} ${area} ${subscriber}`;
    case 2:
      return `+${country} ${area} ${head}-${tail}`;
    case 3:
      return `+${country}-${area}-${head}-${tail}`;
    default:
      return `+${country} (${area}) ${head} ${tail}`;
  }
}

/** Who a Zendesk ticket says its requester is. Fixed for the life of the ticket. */
export function ticketRequester(random: Random, customer: SampleCustomer): CustomerIdentifiersInput {
  const requester: CustomerIdentifiersInput = { email: emailAsWritten(random, customer) };
  if (customer.writesPhoneInTickets) requester.phone = phoneAsDialled(random, customer);
  // Placeholders that web forms and CRM syncs leave behind: dropped, never identifiers.
  else if (random.chance(0.01)) requester.phone = 'unknown';
  if (random.chance(0.12)) requester.crmId = customer.crmId;
  else if (random.chance(0.01)) requester.crmId = 'n/a';
  return requester;
}

/** Who Amazon Connect says is on the line. Fixed for the life of the call. */
export function caller(random: Random, customer: SampleCustomer, direction: 'inbound' | 'outbound'): CustomerIdentifiersInput {
  if (direction === 'outbound') {
    // Dialled from the account record: the number and the account it belongs to.
    return { phone: phoneAsDialled(random, customer), billingId: customer.billingId };
  }
  // Built in the canonical event's order (email, phone, billingId) so that every line of the sample reads alike.
  const identified: CustomerIdentifiersInput = {};
  if (random.chance(0.05)) identified.email = emailAsWritten(random, customer);
  identified.phone = customer.withholdsNumber ? 'anonymous' : phoneAsDialled(random, customer);
  if (customer.givesAccountNumber) identified.billingId = customer.billingId;
  // The phone menu's default when the caller skips the account prompt: a blocked value.
  else if (random.chance(0.03)) identified.billingId = 'unknown';
  return identified;
}
