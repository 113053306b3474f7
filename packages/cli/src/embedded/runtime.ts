import { journeyWindows } from '@seamline/config';
import { clickhouseSettingsFromEnv, connectClickHouse, migrate, type ClickHouse } from '@seamline/clickhouse';
import { orgMapFromFile, type OrgMap } from '@seamline/journeys';
import { createLogger, type Logger } from '@seamline/log';
import { createMetricsService, type MetricsService } from '@seamline/metrics';
import { createBatchProcessor, createJourneyRefresher, type JourneyRefresher } from '@seamline/stitch';
import type { CliConfig } from '../env.ts';
import { inProcessPublisher } from './in-process-publisher.ts';

export interface Runtime {
  clickhouse: ClickHouse;
  logger: Logger;
  orgMap: OrgMap;
  metrics: MetricsService;
  /** Ingest's publisher wired to the stitcher in process, with running totals. */
  transport: ReturnType<typeof inProcessPublisher>;
  /** Identifier values that never identify anyone. */
  blockedIdentifiers: readonly string[];
  /** Keeps the contacts, journeys and handoffs tables current. */
  journeys: JourneyRefresher;
  close(): Promise<void>;
}

/**
 * Ingest, stitcher and metrics in one process over the configured store (embedded chDB by
 * default), running the very same processing code as the Kafka services.
 */
export async function openRuntime(config: CliConfig, options: { quiet?: boolean } = {}): Promise<Runtime> {
  const logger = createLogger({ service: 'seamline', level: options.quiet ? 'warn' : config.LOG_LEVEL, destination: 'stderr' });
  const orgMap = (await orgMapFromFile(config.SEAMLINE_ORG_MAP, logger)).current();
  const clickhouse = await connectClickHouse(clickhouseSettingsFromEnv(config), logger);
  await migrate(clickhouse.client);
  const windows = journeyWindows(config);
  const metrics = createMetricsService(clickhouse.client, () => orgMap, windows);
  const journeys = createJourneyRefresher(
    clickhouse.client,
    { orgMap: () => orgMap, ...windows, stateEvents: config.STITCHER_STATE_EVENTS },
    logger,
  );
  const transport = inProcessPublisher(
    createBatchProcessor(clickhouse.client, logger, {
      maxIdentifiers: config.SEAMLINE_MAX_IDENTIFIERS,
      blockedIdentifiers: config.SEAMLINE_BLOCKED_IDENTIFIERS,
      journeys,
    }),
  );
  return {
    clickhouse,
    logger,
    orgMap,
    metrics,
    transport,
    blockedIdentifiers: config.SEAMLINE_BLOCKED_IDENTIFIERS,
    journeys,
    close: () => clickhouse.close(),
  };
}
