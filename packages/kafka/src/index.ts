export { createKafka, ensureTopics, kafkaSettingsFromEnv, RAW_PARTITIONS, type KafkaSettings } from './client.ts';
export { createEventProducer, type EventProducer, type OutgoingMessage } from './producer.ts';
export {
  consumerLag,
  consumerLagByPartition,
  startBatchConsumer,
  type BatchConsumer,
  type BatchConsumerOptions,
  type BatchHandler,
  type IncomingMessage,
  type StagedWrite,
} from './consumer.ts';
export { TOPICS, topicNames, type Topics } from './topics.ts';
export { deadLetterMessage, eventMessage } from './messages.ts';
