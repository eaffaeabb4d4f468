// The shapes that cross the line between connectors and the collect pipeline (architecture: connectors → collect).
// A connector turns protocol messages into Observations (one value of one tag) and Rejections (what it could not
// decode); the pipeline cleans, contextualises, derives, stores and publishes them.

/** Where a message came from: the protocol and, within it, the client or node that sent it. */
export interface SourceRef {
  /** 'mqtt' | 'sparkplug' | 'opcua' | 'euromap63' | 'http' | 'operator' */
  protocol: string;
  /** Client id, edge node, endpoint … — with `seq` this identifies a message for de-duplication. */
  client: string;
}

export type TagValue = number | string | boolean;

/** One observed value of one tag, as decoded by a connector, before cleaning. */
export interface Observation {
  source: SourceRef;
  /** The original topic/address, kept for quarantine and tracing. */
  topic: string;
  /** ISA-95 path of the equipment as the source addressed it (e.g. 'acme/lakeside/moulding/imm-cell1/imm01'). */
  equipmentPath: string;
  tag: string;
  /** Decoded but not yet checked: the clean stage refuses NaN, Infinity, objects … */
  value: unknown;
  /** Source timestamp, epoch milliseconds (fractional allowed); undefined means "now" (stamped at receipt). */
  ts?: number;
  /** Sender's sequence number, when the protocol has one (UNS `seq`, Sparkplug seq). */
  seq?: number;
  unit?: string;
  /** When Takt received it, epoch ms. */
  receivedAt: number;
}

/** What could not even be decoded into observations: goes to quarantine as is. */
export interface Rejection {
  source: SourceRef;
  topic: string;
  reason: string;
  /** The raw payload: UTF-8 text where it is text, otherwise base64 with a 'base64:' prefix. */
  payload: string;
  receivedAt: number;
}

export interface DecodeResult {
  observations: Observation[];
  rejections: Rejection[];
}

/** Sources that go quiet or announce their death (Sparkplug NDEATH/DDEATH, a dropped OPC UA session). */
export interface SourceStatus {
  source: SourceRef;
  equipmentPath: string;
  online: boolean;
  at: number;
  reason?: string;
}

/**
 * The pipeline's entry. `submit` resolves once everything in the batch is durably stored (values or quarantine),
 * so a connector may acknowledge the messages (MQTT PUBACK) only then. It rejects when storage is unavailable and
 * the bounded buffer is full: the connector must then not acknowledge (backpressure).
 */
export interface ObservationSink {
  submit(batch: DecodeResult): Promise<void>;
  sourceStatus(status: SourceStatus): void;
}

/** Encodes a payload for quarantine: readable text stays text. */
export function payloadText(payload: Buffer | string): string {
  if (typeof payload === 'string') return payload;
  const s = payload.toString('utf8');
  // Text that round-trips and has no control characters (except whitespace) is kept readable.
  if (Buffer.from(s, 'utf8').equals(payload) && !/[\u0000-\u0008\u000e-\u001f]/.test(s)) return s;
  return `base64:${payload.toString('base64')}`;
}
