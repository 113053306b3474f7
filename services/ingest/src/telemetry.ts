import { Counter, Gauge, type Registry } from '@seamline/http';

export type IngestResult = 'accepted' | 'duplicate' | 'rejected';

/** What ingest counts: events in, by source and what became of them. */
export interface IngestTelemetry {
  counted(source: string, result: IngestResult, events: number): void;
  /** Events being published to Kafka now, over all requests. */
  inFlight(events: number): void;
}

export const NO_TELEMETRY: IngestTelemetry = { counted: () => {}, inFlight: () => {} };

export function ingestTelemetry(registry: Registry): IngestTelemetry {
  const events = new Counter({
    name: 'seamline_ingest_events_total',
    help: 'Events received by ingest, by source and result (accepted, duplicate, rejected as dead letter)',
    labelNames: ['source', 'result'],
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'seamline_ingest_events_in_flight',
    help: 'Events being published to Kafka now; requests that would go over INGEST_MAX_IN_FLIGHT_EVENTS get 503',
    registers: [registry],
  });
  return {
    counted(source, result, n) {
      if (n > 0) events.inc({ source, result }, n);
    },
    inFlight: (n) => inFlight.set(n),
  };
}
