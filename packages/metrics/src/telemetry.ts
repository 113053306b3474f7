import type { ClickHouseClient } from '@clickhouse/client';
import { Gauge, type Registry } from '@seamline/http';
import { readStoredState } from './freshness.ts';

/**
 * How fresh the stitched tables are, read from ClickHouse at each scrape: the age of the newest
 * event stored (grows while nothing arrives or the stitcher stalls), and whether the tables hold
 * the journey model in force (0 while the stitcher rebuilds them after an org map or window
 * change, when the figures come from the events).
 */
export function registerTablesFreshness(registry: Registry, client: ClickHouseClient, modelInForce: () => string): void {
  let read: Promise<Awaited<ReturnType<typeof readStoredState>>> | undefined;
  // One read per scrape for both gauges.
  const state = () => {
    read ??= readStoredState(client).finally(() => setTimeout(() => (read = undefined), 1_000).unref());
    return read;
  };
  new Gauge({
    name: 'seamline_tables_latest_event_age_seconds',
    help: 'Now minus the newest occurredAt stored in the tables (absent while none is stored)',
    registers: [registry],
    async collect() {
      const { latestEventAt } = await state();
      if (latestEventAt) this.set(Math.max(0, (Date.now() - Date.parse(latestEventAt)) / 1000));
    },
  });
  new Gauge({
    name: 'seamline_tables_model_current',
    help: '1 when the stitched tables hold the journey model in force (org map, windows), 0 while they are rebuilt',
    registers: [registry],
    async collect() {
      const { model } = await state();
      this.set(model?.modelVersion === modelInForce() ? 1 : 0);
    },
  });
}
