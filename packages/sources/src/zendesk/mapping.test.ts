import { describe, expect, it } from 'vitest';
import { canonicalChannel, followUpSource, ticketDirection } from './channel.ts';
import { statusEventType } from './status.ts';
import { groupQueue } from './ticket.ts';

describe('statusEventType', () => {
  it.each([
    ['open', 'solved', 'ticket.solved'],
    ['OPEN', 'SOLVED', 'ticket.solved'],
    [undefined, 'solved', 'ticket.solved'],
    ['solved', 'closed', 'ticket.closed'],
    ['solved', 'open', 'ticket.reopened'],
    ['solved', 'new', 'ticket.reopened'],
    ['solved', 'pending', 'ticket.reopened'],
    ['solved', 'hold', 'ticket.reopened'],
    ['new', 'open', undefined],
    ['open', 'pending', undefined],
    ['solved', 'solved', undefined],
    [undefined, 'new', undefined],
  ] as const)('reads %s → %s as %s', (previous, current, expected) => {
    expect(statusEventType(previous, current)).toBe(expected);
  });
});

describe('channels and directions', () => {
  it.each([
    ['email', 'email'],
    ['web_form', 'web'],
    ['api', 'web'],
    ['web_service', 'web'],
    ['chat', 'chat'],
    ['native_messaging', 'chat'],
    ['voice', 'phone'],
    ['sms', 'sms'],
    ['whatsapp', 'social'],
    ['twitter', 'social'],
    ['carrier_pigeon', 'web'],
    [undefined, 'web'],
  ] as const)('maps via.channel %s to %s', (via, channel) => {
    expect(canonicalChannel(via)).toBe(channel);
  });

  it('calls a ticket outbound only when via.source.rel is outbound', () => {
    expect(ticketDirection({ channel: 'voice', source: { rel: 'outbound' } })).toBe('outbound');
    expect(ticketDirection({ channel: 'voice', source: { rel: 'inbound' } })).toBe('inbound');
    expect(ticketDirection({ channel: 'web' })).toBe('inbound');
    expect(ticketDirection(undefined)).toBe('inbound');
  });

  it('finds the ticket a follow-up follows from via_followup_source_id or via.source', () => {
    expect(followUpSource(undefined, '4711')).toBe('4711');
    expect(followUpSource({ source: { rel: 'follow_up', from: { ticket_id: '4711' } } }, undefined)).toBe('4711');
    expect(followUpSource({ source: { rel: null } }, null)).toBeUndefined();
  });
});

describe('groupQueue', () => {
  it('uses the configured name, and zendesk-group-<id> for anything it cannot use', () => {
    const options = { groups: { '1': 'Billing', '2': '  ', '3': 'x'.repeat(201) } };
    expect(groupQueue('1', options)).toBe('Billing');
    expect(groupQueue('2', options)).toBe('zendesk-group-2');
    expect(groupQueue('3', options)).toBe('zendesk-group-3');
    expect(groupQueue('constructor', options)).toBe('zendesk-group-constructor');
    expect(groupQueue('1', undefined)).toBe('zendesk-group-1');
  });
});
