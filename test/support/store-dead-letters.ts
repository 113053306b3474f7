// Stores dead letters into a store as an earlier version of Seamline left them, in a process of its
// own (the embedded engine serves one process at a time), so a test can replay them with the CLI.
// node --import tsx test/support/store-dead-letters.ts letters.json
// letters.json: [{ source, payload, reason, path }]; the store from SEAMLINE_DATA_DIR, CLICKHOUSE_DATABASE, CLICKHOUSE_URL.
import { readFileSync } from 'node:fs';
import { connectClickHouse, migrate, storeDeadLetters } from '@seamline/clickhouse';
import { makeDeadLetter } from '@seamline/schemas';

const letters = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Array<{ source: string; payload: string; reason: string; path: string }>;
const clickhouse = await connectClickHouse({
  ...(process.env.CLICKHOUSE_URL && { url: process.env.CLICKHOUSE_URL }),
  database: process.env.CLICKHOUSE_DATABASE ?? 'seamline',
  dataDir: process.env.SEAMLINE_DATA_DIR!,
});
await migrate(clickhouse.client);
await storeDeadLetters(clickhouse.client, letters.map((l) => makeDeadLetter(l.source, l.payload, l.reason, l.path)));
await clickhouse.close();
