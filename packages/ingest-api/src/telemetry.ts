import { Counter, Gauge, type Registry } from '@seamline/http';

export type IngestResult = 'accepted' | 'duplicate' | 'rejected';

/** What ingest counts: events in, by source and what became of them. */
export interface IngestTelemetry {
  counted(source: string, result: IngestResult, events: number): void;
  /** A refused webhook post not kept as a dead letter: its source's bound for the hour was reached. */
  unkept(source: string): void;
  /** Events being published to Kafka now, over all requests. */
  inFlight(events: number): void;
}

export const NO_TELEMETRY: IngestTelemetry = { counted: () => {}, unkept: () => {}, inFlight: () => {} };

export function ingestTelemetry(registry: Registry): IngestTelemetry {
  const events = new Counter({
    name: 'seamline_ingest_events_total',
    help: 'Events received by ingest, by source and result (accepted, duplicate, rejected as dead letter)',
    labelNames: ['source', 'result'],
    registers: [registry],
  });
  const unkept = new Counter({
    name: 'seamline_ingest_refused_unkept_total',
    help: 'Refused webhook posts (bad signature, unknown source) not kept as dead letters: the bound per source and hour was reached',
    labelNames: ['source'],
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
    unkept: (source) => unkept.inc({ source }),
    inFlight: (n) => inFlight.set(n),
  };
}
