export { buildStitcherApp, type StitcherAppOptions } from './app.ts';
export { createBatchProcessor, type BatchOutcome, type BatchProcessor } from './processor.ts';
