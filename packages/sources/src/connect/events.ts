import { EXTERNAL_QUEUE_PREFIX, type CanonicalEventInput, type CustomerIdentifiers } from '@seamline/schemas';
import { rejected, SOURCE_UPDATED_AT, type Translation } from '../adapter.ts';
import type { ParsedRecord } from './legs.ts';
import type { ContactRecord } from './schema.ts';

export const CONNECT_SOURCE = 'connect';

type Direction = NonNullable<CanonicalEventInput['direction']>;

const CHANNEL: Readonly<Record<ContactRecord['Channel'], CanonicalEventInput['channel']>> = {
  VOICE: 'phone',
  CHAT: 'chat',
  TASK: 'web',
  EMAIL: 'email',
};

const TRANSFER_METHODS = new Set(['TRANSFER', 'QUEUE_TRANSFER']);

/**
 * Who began a contact, for the methods that begin one. API is StartOutboundVoiceContact for voice,
 * and a customer starting a chat or task otherwise; WEBRTC_API is a customer calling from an app.
 * Other methods (MONITOR, DISCONNECT, EXTERNAL_OUTBOUND…) are not customer contacts: no events.
 */
function startDirection(record: ContactRecord): Direction | undefined {
  switch (record.InitiationMethod) {
    case 'INBOUND':
    case 'WEBRTC_API':
      return 'inbound';
    case 'OUTBOUND':
    case 'CALLBACK':
      return 'outbound';
    case 'API':
      return record.Channel === 'VOICE' ? 'outbound' : 'inbound';
    default:
      return undefined;
  }
}

/** All legs of one call share the id of its first leg, so a transferred call stays one contact. */
export const callContactId = (record: ContactRecord): string => `call-${record.InitialContactId ?? record.ContactId}`;

function customerOf(record: ContactRecord): CustomerIdentifiers {
  const address = record.CustomerEndpoint?.Address?.trim();
  const type = record.CustomerEndpoint?.Type?.toUpperCase();
  if (!address) return {};
  if (type === 'TELEPHONE_NUMBER') return { phone: address };
  if (type === 'EMAIL_ADDRESS') return { email: address };
  return {};
}

const nonBlank = (text: string | null | undefined): string | undefined => (text?.trim() ? text.trim() : undefined);

interface Leg {
  record: ContactRecord;
  customer: CustomerIdentifiers;
  queue?: string;
  agent?: string;
}

/** One leg gives at most one event of each kind, so the leg id and the kind make a stable event id. */
function legEvent(leg: Leg, kind: 'started' | 'transferred' | 'transferred-out' | 'ended', occurredAt: string, direction?: Direction): CanonicalEventInput {
  const { record } = leg;
  return {
    id: `${CONNECT_SOURCE}-${record.ContactId}-${kind}`,
    type: kind === 'transferred-out' ? 'call.transferred' : `call.${kind}`,
    occurredAt,
    source: CONNECT_SOURCE,
    customer: { ...leg.customer },
    contactId: callContactId(record),
    ...(leg.queue === undefined ? {} : { queue: leg.queue }),
    ...(leg.agent === undefined ? {} : { agent: leg.agent }),
    channel: CHANNEL[record.Channel],
    ...(direction === undefined ? {} : { direction }),
    attributes: {
      [SOURCE_UPDATED_AT]: record.LastUpdateTimestamp,
      connectContactId: record.ContactId,
      initiationMethod: record.InitiationMethod,
    },
  };
}

/**
 * The canonical events of one leg: `call.started` for the first leg of a contact,
 * `call.transferred` for a transfer leg that entered a queue, `call.ended` for the last leg once it
 * has disconnected. A transfer leg carries no direction: the record does not say who began the call.
 */
export function legEvents({ record, path }: ParsedRecord): Translation {
  const direction = startDirection(record);
  const isTransfer = TRANSFER_METHODS.has(record.InitiationMethod);
  if (direction === undefined && !isTransfer) return { ok: true, events: [] };
  const isFirstLeg = !record.InitialContactId || record.InitialContactId === record.ContactId;
  const queue = nonBlank(record.Queue?.Name);
  const agent = nonBlank(record.Agent?.Username);
  const leg: Leg = { record, customer: customerOf(record), ...(queue && { queue }), ...(agent && { agent }) };
  const where = (field: string) => [...path, field].join('.');

  const events: CanonicalEventInput[] = [];
  if (isFirstLeg && direction !== undefined) {
    if (!record.InitiationTimestamp) {
      const at = where('InitiationTimestamp');
      return rejected(`${at}: required to start contact ${record.ContactId}`, at);
    }
    events.push(legEvent(leg, 'started', record.InitiationTimestamp, direction));
  }
  const transferredAt = record.InitiationTimestamp ?? record.Queue?.EnqueueTimestamp;
  if (isTransfer && queue !== undefined && transferredAt) events.push(legEvent(leg, 'transferred', transferredAt));
  // Transferred to an outside number: the call left Connect (no next contact), handed to a team
  // outside the organisation, `external:<number>` (docs/events.md).
  const outside = nonBlank(record.TransferredToEndpoint?.Address);
  const leftAt = record.TransferCompletedTimestamp ?? record.DisconnectTimestamp;
  if (!record.NextContactId && outside !== undefined && leftAt) {
    events.push(legEvent({ ...leg, queue: `${EXTERNAL_QUEUE_PREFIX}${outside}`.slice(0, 200) }, 'transferred-out', leftAt));
  }
  if (!record.NextContactId && record.DisconnectTimestamp) {
    events.push(legEvent(leg, 'ended', record.DisconnectTimestamp, isFirstLeg ? direction : undefined));
  }
  if (events.length > 0 && Object.keys(leg.customer).length === 0) {
    const at = where('CustomerEndpoint');
    return rejected(`${at}: contact ${record.ContactId} (${record.Channel}) has no customer phone number or email address`, at);
  }
  return { ok: true, events };
}
