export { buildIngestApp, type IngestAppOptions } from './app.ts';
export { kafkaPublisher, type EventPublisher } from './publisher.ts';
export { splitBody, takeIn, type Intake, type ItemResult, type RawItem } from './intake.ts';
