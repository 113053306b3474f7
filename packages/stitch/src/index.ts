export { createJourneyRefresher, type JourneyRefresher, type JourneySettings } from './journey-refresh.ts';
export { createBatchProcessor, createLinker, type BatchOutcome, type BatchProcessor, type PartitionEventTime, type ProcessorOptions } from './processor.ts';
export { startStitcher, type StitcherOptions } from './stitcher.ts';
