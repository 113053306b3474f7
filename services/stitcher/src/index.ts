export { buildStitcherApp, type StitcherAppOptions } from './app.ts';
export { createBatchProcessor, type BatchOutcome, type BatchProcessor, type ProcessorOptions } from './processor.ts';
