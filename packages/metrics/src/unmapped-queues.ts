import type { ClickHouseClient } from '@clickhouse/client';
import { queueUsage } from '@seamline/clickhouse';
import { unmappedQueues as queuesTheMapLacks, type OrgMap } from '@seamline/journeys';
import { z } from 'zod';

export const unmappedQueuesSchema = z.object({
  queues: z.array(z.object({ queue: z.string(), events: z.number().int(), lastSeen: z.string() })),
});
export type UnmappedQueues = z.infer<typeof unmappedQueuesSchema>;

/** Queues seen in events that the org map in force does not know, most used first. */
export async function unmappedQueues(client: ClickHouseClient, orgMap: OrgMap): Promise<UnmappedQueues> {
  const usage = await queueUsage(client);
  const unknown = new Set(queuesTheMapLacks(orgMap, usage.map((u) => u.queue)));
  return { queues: usage.filter((u) => unknown.has(u.queue)) };
}
