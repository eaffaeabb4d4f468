// Sparkplug B 3.0 host application: codec, topic parsing and the host logic the MQTT connector drives.
export { SparkplugHost } from './host.ts';
export type { PublishOptions, SparkplugHandleResult, SparkplugHostOptions, StateMessage } from './host.ts';
export { decodeSparkplug, encodeSparkplug, longToNumber, metricValue } from './codec.ts';
export type {
  DecodeOutcome,
  LongLike,
  RawMetricValue,
  SparkplugMetric,
  SparkplugMetricInput,
  SparkplugPayload,
  SparkplugPayloadInput,
  SparkplugValue,
  ValueOutcome,
} from './codec.ts';
export { dataTypeCode, dataTypeLabel, dataTypeName, SCALAR_DATATYPES, SparkplugDataType } from './datatypes.ts';
export type { SparkplugDataTypeName } from './datatypes.ts';
export { defaultMetricToTag } from './metrics.ts';
export type { SparkplugDeviceHealth, SparkplugNodeHealth } from './session.ts';
export {
  DEVICE_MESSAGE_TYPES,
  NODE_MESSAGE_TYPES,
  ncmdTopic,
  parseSparkplugTopic,
  SPARKPLUG_NAMESPACE,
  stateTopic,
} from './topic.ts';
export type { DeviceMessageType, NodeMessageType, SparkplugMessageType, SparkplugTopic, TopicOutcome } from './topic.ts';
