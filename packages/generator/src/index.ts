export { generateEvents, DEFAULT_DAYS, DEFAULT_START, type GenerateOptions } from './generate.ts';
export { ORDERS, type Order } from './orders.ts';
export { sampleOrgMap, QUEUE, UNMAPPED_QUEUES, type OrgMap, type QueueName, type TeamPlacement } from './org.ts';
export { writeSample, PROGRESS_EVERY, type SampleFiles, type WriteSampleOptions } from './write.ts';
export { createRandom, type Random } from './random.ts';
