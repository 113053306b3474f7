import { validateCanonicalEvent } from '@seamline/schemas';
import { describe, expect, it } from 'vitest';
import { csvRowsToEvents, type CsvRowEntry } from './rows.ts';
import { LEGACY_CRM_CSV, LEGACY_CRM_MAPPING } from './test-fixtures.ts';

const rows = (text: string) => csvRowsToEvents(text, LEGACY_CRM_MAPPING);
const HEADER = 'event_id,event_type,timestamp,email,phone,account,case_id,team_queue,channel,reason,plan';

/** Line, and the event id or the rejection reason: the shape of a file's outcome at a glance. */
const outline = (entries: CsvRowEntry[]) =>
  entries.map(({ line, translation }) =>
    translation.ok ? { line, ids: translation.events.map((event) => event.id) } : { line, reason: translation.reason },
  );

describe('csvRowsToEvents on the legacy CRM fixture', () => {
  const entries = rows(LEGACY_CRM_CSV);

  it('gives one entry per data row, with the line where the row starts', () => {
    expect(outline(entries)).toEqual([
      { line: 2, ids: ['legacy-crm-e-1001'] },
      { line: 3, ids: ['legacy-crm-e-1002'] },
      { line: 4, ids: ['legacy-crm-e-1003'] },
      { line: 7, reason: 'occurredAt: column "timestamp" has "2026-02-30 10:00": no such date' },
      { line: 8, reason: 'expected 11 columns as in the header, found 9' },
      { line: 9, ids: [expect.stringMatching(/^csv-[0-9a-f]{64}$/)] },
      { line: 10, reason: expect.stringMatching(/^type: .*\(column "event_type" has "closed"\)$/) },
    ]);
  });

  it('reads quoted commas, doubled quotes and line breaks inside a field', () => {
    const quoted = entries[2];
    expect(quoted?.raw).toBe(
      'e-1003,opened,2026-03-02 08:00,"bob@example.com",,cus_456,case-78,"Support, Tier 1",chat,"refund request,\ncustomer says ""charged twice""",basic',
    );
    expect(quoted?.translation).toEqual({
      ok: true,
      events: [
        {
          id: 'legacy-crm-e-1003',
          type: 'ticket.created',
          occurredAt: '2026-03-02T07:00:00.000Z',
          source: 'legacy-crm',
          customer: { email: 'bob@example.com', billingId: 'cus_456' },
          contactId: 'case-78',
          queue: 'Support, Tier 1',
          channel: 'chat',
          reason: 'refund request,\ncustomer says "charged twice"',
          attributes: { plan: 'basic' },
        },
      ],
    });
  });

  it('fills empty cells from constants and maps the file words to canonical types', () => {
    expect(entries[1]?.translation).toEqual({
      ok: true,
      events: [
        {
          id: 'legacy-crm-e-1002',
          type: 'ticket.reassigned',
          occurredAt: '2026-03-01T09:00:00.000Z',
          source: 'legacy-crm',
          customer: { email: 'ann@example.com' },
          contactId: 'case-77',
          queue: 'Billing Tier 2',
          channel: 'email',
          attributes: { plan: 'pro' },
        },
      ],
    });
    expect(entries[5]?.translation).toMatchObject({
      ok: true,
      events: [{ type: 'ticket.solved', customer: { phone: '+44 20 7946 0958' }, channel: 'phone', occurredAt: '2026-03-04T16:30:00.000Z' }],
    });
  });

  it('keeps the row by column name for replay, but not for a row it could not split into columns', () => {
    expect(entries[0]?.record).toMatchObject({ event_id: 'e-1001', team_queue: 'Billing Tier 1' });
    expect(entries[4]?.record).toBeUndefined();
  });

  it('produces only events that pass canonical validation', () => {
    const events = entries.flatMap((entry) => (entry.translation.ok ? entry.translation.events : []));
    expect(events).toHaveLength(4);
    for (const event of events) expect(validateCanonicalEvent(event).ok).toBe(true);
  });

  it('gives the same ids when the same file is imported again, or saved with Windows line breaks and a BOM', () => {
    expect(rows(LEGACY_CRM_CSV)).toEqual(entries);
    expect(rows(`\uFEFF${LEGACY_CRM_CSV.replace(/\n/g, '\r\n')}`)).toEqual(entries);
  });
});

describe('csvRowsToEvents on broken files', () => {
  const good = 'e-1,opened,2026-03-01T10:00:00Z,a@example.com,,,c-1,Q,email,,';

  it('rejects only the line of a quote that is never closed and reads on after it', () => {
    const text = [HEADER, good, 'e-2,opened,"2026-03-01T10:00:00Z,b@example.com,,,c-2,Q,email,,', good.replace('e-1', 'e-3')].join('\n');
    expect(outline(rows(text))).toEqual([
      { line: 2, ids: ['legacy-crm-e-1'] },
      { line: 3, reason: 'a quoted field opened on this line is never closed' },
      { line: 4, ids: ['legacy-crm-e-3'] },
    ]);
  });

  it('rejects every row, naming the column, when the header lacks a mapped column', () => {
    const text = [HEADER.replace(',plan', ''), good.slice(0, -1), good.replace('e-1', 'e-2').slice(0, -1)].join('\n');
    const reasons = rows(text).map((entry) => !entry.translation.ok && entry.translation.reason);
    expect(reasons).toEqual([
      'the header has no column "plan", which the mapping names',
      'the header has no column "plan", which the mapping names',
    ]);
  });

  it('rejects every row when a mapped column appears twice in the header', () => {
    const text = [`${HEADER},email`, `${good},x@example.com`].join('\n');
    expect(outline(rows(text))).toEqual([{ line: 2, reason: 'column "email" appears twice in the header' }]);
  });

  it('rejects every row when the header itself cannot be read', () => {
    const text = [`"${HEADER}`, good].join('\n');
    expect(outline(rows(text))).toEqual([
      { line: 2, reason: 'the header row (line 1) cannot be read: a quoted field opened on this line is never closed' },
    ]);
  });

  it('gives no entries for an empty file or a file with only a header', () => {
    expect(rows('')).toEqual([]);
    expect(rows(`${HEADER}\n\n`)).toEqual([]);
  });

  it('keeps stray quotes inside an unquoted field as text', () => {
    const [entry] = rows([HEADER, good.replace('c-1', 'c-1 15" screen')].join('\n'));
    expect(entry?.translation).toMatchObject({ ok: true, events: [{ contactId: 'c-1 15" screen' }] });
  });
});
