export { rejected, SOURCE_UPDATED_AT, type SourceAdapter, type Translation } from './adapter.ts';
export * from './zendesk/index.ts';
export * from './connect/index.ts';
export * from './stripe/index.ts';
export * from './csv/index.ts';
