export { createKafka, ensureTopics, DEFAULT_TOPICS, type KafkaSettings } from './client.ts';
export { createEventProducer, type EventProducer, type OutgoingMessage } from './producer.ts';
export {
  consumerLag,
  startBatchConsumer,
  type BatchConsumer,
  type BatchConsumerOptions,
  type BatchHandler,
  type IncomingMessage,
} from './consumer.ts';
export { TOPICS, type TopicName } from './topics.ts';
export { deadLetterMessage, eventMessage } from './messages.ts';
