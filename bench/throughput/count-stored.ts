// Counts the events a stitcher stored, by a query of events_v1 in its ClickHouse: what a data
// team would see. A child process, so that the embedded engine opens the stitcher's data
// directory (once the stitcher has stopped) in a process of its own.
import { connectClickHouse, countEvents } from '@seamline/clickhouse';
import { createLogger } from '@seamline/log';
import { serveChild } from './children.ts';

export interface CountStoredConfig {
  clickhouseUrl?: string | undefined;
  dataDir: string;
  database: string;
}

export interface CountStoredReport {
  rows: number;
  /** Distinct event ids. */
  ids: number;
}

serveChild<CountStoredConfig, CountStoredReport>(async (config) => {
  const logger = createLogger({ service: 'bench-count-stored', level: 'warn', destination: 'stderr', pretty: false });
  const clickhouse = await connectClickHouse({ url: config.clickhouseUrl, database: config.database, dataDir: config.dataDir }, logger);
  try {
    return await countEvents(clickhouse.client);
  } finally {
    await clickhouse.close();
  }
});
