export { buildStitcherApp, type StitcherAppOptions } from './app.ts';
export { createJourneyRefresher, type JourneyRefresher, type JourneySettings } from './journey-refresh.ts';
export { createLinker } from './processor.ts';
export { startStitcher, type StitcherOptions } from './stitcher.ts';
export { createBatchProcessor, type BatchOutcome, type BatchProcessor, type ProcessorOptions } from './processor.ts';
