// Resolves the local Kafka broker's jars into .cache/ (once). Run: npx tsx infra/stack/install-kafka.ts
import { installKafkaJars, KAFKA_VERSION } from './local-kafka.ts';

const libs = installKafkaJars(process.env.SEAMLINE_KAFKA_VERSION ?? KAFKA_VERSION);
console.log(`Kafka jars ready in ${libs}`);
