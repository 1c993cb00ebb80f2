export * from './message-bus.port';
export * from './topics';
export * from './kafka/kafka-messaging.module';
export * from './kafka/kafka-client';
export * from './consumer-registry';
export * from './kafka/topic-provisioner';
export * from './kafka/summarise-error';
export * from './kafka/topic-catalog';
