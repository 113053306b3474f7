import { SOURCE_UPDATED_AT } from '../adapter.ts';
import { validateCanonicalEvent } from '@seamline/schemas';
import { describe, expect, it } from 'vitest';
import { connectAdapter } from './index.ts';
import { eventsOf, loadFixture } from './test-fixtures.ts';

type Record_ = Record<string, unknown>;
const leg = (n: number) => `6b0f3c2a-4d5e-4f70-8a91-b2c3d4e5f60${n}`;
const call = { source: 'connect', customer: { phone: '+491512345678' }, contactId: `call-${leg(1)}`, channel: 'phone' };
const attributes = (n: number, updatedAt: string, method: string) => ({
  [SOURCE_UPDATED_AT]: updatedAt,
  connectContactId: leg(n),
  initiationMethod: method,
});
const threeLegs = () => loadFixture('three-leg-call') as Record_[];
const outbound = () => loadFixture('outbound-call') as Record_;

describe('connectAdapter', () => {
  it('makes one contact of an inbound call, its transfer and its queue transfer, ignoring the older copy', () => {
    expect(eventsOf(connectAdapter.translate(threeLegs()))).toEqual([
      {
        ...call,
        id: `connect-${leg(1)}-started`,
        type: 'call.started',
        occurredAt: '2026-03-04T14:02:11.000Z',
        queue: 'Billing Tier 1',
        agent: 'jsmith',
        direction: 'inbound',
        attributes: attributes(1, '2026-03-04T14:10:31.000Z', 'INBOUND'),
      },
      {
        ...call,
        id: `connect-${leg(2)}-transferred`,
        type: 'call.transferred',
        occurredAt: '2026-03-04T14:09:30.000Z',
        queue: 'Tech Support',
        agent: 'mgarcia',
        attributes: attributes(2, '2026-03-04T14:22:07.000Z', 'TRANSFER'),
      },
      {
        ...call,
        id: `connect-${leg(3)}-transferred`,
        type: 'call.transferred',
        occurredAt: '2026-03-04T14:21:05.000Z',
        queue: 'Retention',
        agent: 'tnguyen',
        attributes: attributes(3, '2026-03-04T14:34:50.000Z', 'QUEUE_TRANSFER'),
      },
      {
        ...call,
        id: `connect-${leg(3)}-ended`,
        type: 'call.ended',
        occurredAt: '2026-03-04T14:33:48.000Z',
        queue: 'Retention',
        agent: 'tnguyen',
        attributes: attributes(3, '2026-03-04T14:34:50.000Z', 'QUEUE_TRANSFER'),
      },
    ]);
  });

  it('keeps the newest copy of a record whatever the order the copies arrive in', () => {
    const records = threeLegs();
    const inOrder = eventsOf(connectAdapter.translate(records));
    expect(eventsOf(connectAdapter.translate([...records].reverse()))).toEqual(inOrder);
    // alone, the older copy of leg 2 still waited in queue: no agent, and an older sourceUpdatedAt
    const [older] = eventsOf(connectAdapter.translate(records[3]));
    expect(older).toMatchObject({ id: `connect-${leg(2)}-transferred`, attributes: { [SOURCE_UPDATED_AT]: '2026-03-04T14:09:45.000Z' } });
    expect(older?.agent).toBeUndefined();
  });

  it('produces events that all pass canonical validation, with the same ids on a second delivery', () => {
    for (const name of ['three-leg-call', 'outbound-call', 'callback'] as const) {
      const events = eventsOf(connectAdapter.translate(loadFixture(name)));
      expect(events.every((event) => validateCanonicalEvent(event).ok)).toBe(true);
      expect(eventsOf(connectAdapter.translate(loadFixture(name))).map((event) => event.id)).toEqual(events.map((event) => event.id));
    }
  });

  it('makes an outbound call start and end as outbound', () => {
    const events = eventsOf(connectAdapter.translate(outbound()));
    expect(events.map((event) => [event.type, event.direction, event.queue, event.customer.phone])).toEqual([
      ['call.started', 'outbound', 'Outbound Collections', '+14155550142'],
      ['call.ended', 'outbound', 'Outbound Collections', '+14155550142'],
    ]);
  });

  it('makes a callback an outbound contact of its own after the inbound call that asked for it', () => {
    const events = eventsOf(connectAdapter.translate(loadFixture('callback')));
    expect(events.map((event) => [event.type, event.contactId, event.direction, event.occurredAt])).toEqual([
      ['call.started', 'call-d4e5f6a7-1b2c-4d3e-8f40-5a6b7c8d9e01', 'inbound', '2026-03-06T09:00:00.000Z'],
      ['call.ended', 'call-d4e5f6a7-1b2c-4d3e-8f40-5a6b7c8d9e01', 'inbound', '2026-03-06T09:06:10.000Z'],
      ['call.started', 'call-d4e5f6a7-1b2c-4d3e-8f40-5a6b7c8d9e02', 'outbound', '2026-03-06T09:06:10.000Z'],
      ['call.ended', 'call-d4e5f6a7-1b2c-4d3e-8f40-5a6b7c8d9e02', 'outbound', '2026-03-06T09:48:30.000Z'],
    ]);
  });

  it('reads base64 Kinesis records like plain ones', () => {
    const records = threeLegs().map((record) => ({
      kinesis: { partitionKey: record.ContactId, data: Buffer.from(JSON.stringify(record)).toString('base64') },
      eventSource: 'aws:kinesis',
    }));
    expect(connectAdapter.translate({ Records: records })).toEqual(connectAdapter.translate(threeLegs()));
  });

  it('gives a transfer leg seen alone its transfer and end, without a direction', () => {
    const events = eventsOf(connectAdapter.translate(threeLegs()[2]));
    expect(events.map((event) => [event.type, event.contactId, event.direction])).toEqual([
      ['call.transferred', `call-${leg(1)}`, undefined],
      ['call.ended', `call-${leg(1)}`, undefined],
    ]);
  });

  it('ends a call only once its last leg has a DisconnectTimestamp', () => {
    const ongoing = { ...outbound(), DisconnectTimestamp: null };
    expect(eventsOf(connectAdapter.translate(ongoing)).map((event) => event.type)).toEqual(['call.started']);
  });

  it.each([
    ['API voice', 'API', 'VOICE', 'outbound', 'phone'],
    ['API chat', 'API', 'CHAT', 'inbound', 'chat'],
    ['inbound task', 'INBOUND', 'TASK', 'inbound', 'web'],
  ])('starts an %s contact with the direction and channel it implies', (_what, method, channel, direction, canonical) => {
    const [started] = eventsOf(connectAdapter.translate({ ...outbound(), InitiationMethod: method, Channel: channel }));
    expect(started).toMatchObject({ type: 'call.started', direction, channel: canonical });
  });

  it('gives no events for records that are not customer contacts, such as a supervisor monitoring', () => {
    expect(connectAdapter.translate({ ...outbound(), InitiationMethod: 'MONITOR' })).toEqual({ ok: true, events: [] });
  });

  it('rejects a contact without customer phone or email, naming the record', () => {
    const chat = { ...outbound(), Channel: 'CHAT', InitiationMethod: 'INBOUND', CustomerEndpoint: null };
    expect(connectAdapter.translate({ Records: [outbound(), chat] })).toEqual({
      ok: false,
      reason: 'Records.1.CustomerEndpoint: contact 9c2e4d6f-8a0b-4c1d-9e2f-3a4b5c6d7e01 (CHAT) has no customer phone number or email address',
      path: 'Records.1.CustomerEndpoint',
    });
  });

  it.each([
    ['a string', 'call', ''],
    ['an object of another shape', { contact: 'x' }, ''],
    ['Records that are not an array', { Records: 'x' }, 'Records'],
    ['a record with a bad timestamp', [{ ...outbound(), LastUpdateTimestamp: 'yesterday' }], '0.LastUpdateTimestamp'],
    ['undecodable Kinesis data', { Records: [{ kinesis: { data: '!!!' } }] }, 'Records.0.kinesis.data'],
  ])('rejects %s with a reason and a path', (_what, payload, path) => {
    const translation = connectAdapter.translate(payload);
    expect(translation).toMatchObject({ ok: false, path });
    expect(!translation.ok && translation.reason.length).toBeGreaterThan(0);
  });
});

describe('connectAdapter: transfers out of the contact centre', () => {
  const record = (): Record_ => ({
    ...outbound(),
    ContactId: 'c-out-1',
    InitialContactId: null,
    NextContactId: null,
    InitiationMethod: 'INBOUND',
    InitiationTimestamp: '2026-03-12T14:00:00Z',
    DisconnectTimestamp: '2026-03-12T14:09:40Z',
    LastUpdateTimestamp: '2026-03-12T14:10:05Z',
    CustomerEndpoint: { Address: '+4915198765432', Type: 'TELEPHONE_NUMBER' },
    Queue: { Name: 'Tech Support', EnqueueTimestamp: '2026-03-12T14:00:20Z' },
    TransferredToEndpoint: { Address: '+493012345678', Type: 'TELEPHONE_NUMBER' },
    TransferCompletedTimestamp: '2026-03-12T14:06:30Z',
  });

  it('makes a transfer to an outside number a transfer to external:<number>, when the transfer completed', () => {
    const events = eventsOf(connectAdapter.translate(record()));
    expect(events.map((e) => [e.id, e.type, e.queue, e.occurredAt])).toEqual([
      ['connect-c-out-1-started', 'call.started', 'Tech Support', '2026-03-12T14:00:00.000Z'],
      ['connect-c-out-1-transferred-out', 'call.transferred', 'external:+493012345678', '2026-03-12T14:06:30.000Z'],
      ['connect-c-out-1-ended', 'call.ended', 'Tech Support', '2026-03-12T14:09:40.000Z'],
    ]);
  });

  it('gives no transfer out when the call went on to a next contact in Connect', () => {
    const events = eventsOf(connectAdapter.translate({ ...record(), NextContactId: 'c-out-2' }));
    expect(events.map((e) => e.type)).toEqual(['call.started']);
  });
});
