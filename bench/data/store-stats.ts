// Counts what an embedded store holds and prints it as one JSON line on stdout. Run as its own
// process (`node --import tsx bench/data/store-stats.ts`, SEAMLINE_DATA_DIR set) while nothing
// else has the store open: the embedded engine serves one process at a time.
import { clickhouseSettingsFromEnv, connectClickHouse, countEvents, readJourneyModel } from '@seamline/clickhouse';
import { clickhouseEnv } from '@seamline/config';

export interface StoreStats {
  events: number;
  customers: number;
  identifiers: number;
  contacts: number;
  journeys: number;
  handoffs: number;
  deadLetters: number;
  /** The org map and windows the contacts, journeys and handoffs tables were computed with. */
  modelVersion: string | null;
}

const dataDir = process.env.SEAMLINE_DATA_DIR;
if (!dataDir) throw new Error('store-stats: SEAMLINE_DATA_DIR is not set');
const clickhouse = await connectClickHouse(
  clickhouseSettingsFromEnv({ SEAMLINE_DATA_DIR: dataDir, CLICKHOUSE_DATABASE: clickhouseEnv.CLICKHOUSE_DATABASE.parse(process.env.CLICKHOUSE_DATABASE) }),
);
try {
  const result = await clickhouse.client.query({
    query: `SELECT
      (SELECT uniqExact(customer_id) FROM identities_v1 FINAL) AS customers,
      (SELECT count() FROM identities_v1 FINAL) AS identifiers,
      (SELECT count() FROM contacts_v2 FINAL WHERE is_deleted = 0) AS contacts,
      (SELECT count() FROM journeys_v2 FINAL WHERE is_deleted = 0) AS journeys,
      (SELECT count() FROM handoffs_v2 FINAL WHERE is_deleted = 0) AS handoffs,
      (SELECT uniqExact(id) FROM dead_letters_v1) AS dead_letters`,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<Record<string, string | number>>();
  const n = (key: string) => Number(row?.[key] ?? 0);
  const stats: StoreStats = {
    events: (await countEvents(clickhouse.client)).ids,
    customers: n('customers'),
    identifiers: n('identifiers'),
    contacts: n('contacts'),
    journeys: n('journeys'),
    handoffs: n('handoffs'),
    deadLetters: n('dead_letters'),
    modelVersion: (await readJourneyModel(clickhouse.client))?.modelVersion ?? null,
  };
  process.stdout.write(`${JSON.stringify(stats)}\n`);
} finally {
  await clickhouse.close();
}
