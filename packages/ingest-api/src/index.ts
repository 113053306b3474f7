export { buildIngestApp, type IngestAppOptions } from './app.ts';
export { kafkaPublisher, type EventPublisher } from './publisher.ts';
export { splitBody, takeIn, type Intake, type ItemResult, type RawItem } from './intake.ts';
export { planReplay, retranslate, type ReplayPlan } from './sources/replay.ts';
export { sourceTranslators, type Translate, type TranslatorOptions } from './sources/translators.ts';
export { loadZendeskGroups, loadZendeskUsers } from './sources/zendesk-groups.ts';
export { takeInSourcePayload } from './sources/intake.ts';
