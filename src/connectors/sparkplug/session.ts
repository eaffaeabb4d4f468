// What the host application remembers per edge node and device between messages, and its health snapshot.

/** A metric as declared in a birth certificate (Sparkplug 3.0 §6.4.19 NBIRTH, §6.4.20 DBIRTH). */
export interface MetricDef {
  name: string;
  datatype?: number;
}

/** Birth-declared metrics of one edge node or device, by name and by alias (§6.4.6 alias rules). */
export interface MetricBook {
  byName: Map<string, MetricDef>;
  byAlias: Map<number, MetricDef>;
}

export function newBook(): MetricBook {
  return { byName: new Map(), byAlias: new Map() };
}

export interface DeviceSession {
  device: string;
  online: boolean;
  /** A DBIRTH was seen since the node's current NBIRTH: its metric book is valid. */
  born: boolean;
  book: MetricBook;
  equipmentPath?: string;
  births: number;
  deaths: number;
  lastMessageAt?: number;
}

export interface NodeSession {
  group: string;
  node: string;
  online: boolean;
  /** An NBIRTH of the current session was seen: seq, bdSeq and the metric book are valid. */
  born: boolean;
  bdSeq?: number;
  lastSeq?: number;
  book: MetricBook;
  devices: Map<string, DeviceSession>;
  equipmentPath?: string;
  births: number;
  deaths: number;
  staleDeaths: number;
  lastStaleDeath?: string;
  seqGaps: number;
  rebirthsRequested: number;
  /** When the unanswered rebirth request was sent (cleared by the next NBIRTH). */
  rebirthOutstandingSince?: number;
  lastRebirthRequestAt?: number;
  lastRebirthReason?: string;
  rebirthPublishFailures: number;
  lastPublishError?: string;
  rejections: number;
  /** Metrics dropped because metricToTag returned undefined for them. */
  skippedMetrics: number;
  lastMessageAt?: number;
}

export function newNodeSession(group: string, node: string): NodeSession {
  return {
    group,
    node,
    online: false,
    born: false,
    book: newBook(),
    devices: new Map(),
    births: 0,
    deaths: 0,
    staleDeaths: 0,
    seqGaps: 0,
    rebirthsRequested: 0,
    rebirthPublishFailures: 0,
    rejections: 0,
    skippedMetrics: 0,
  };
}

export function newDeviceSession(device: string): DeviceSession {
  return { device, online: false, born: false, book: newBook(), births: 0, deaths: 0 };
}

export interface SparkplugDeviceHealth {
  device: string;
  equipmentPath?: string;
  online: boolean;
  births: number;
  deaths: number;
  lastMessageAt?: number;
}

/** Health of one edge node as seen by the host (for the connector health endpoint). */
export interface SparkplugNodeHealth {
  group: string;
  node: string;
  equipmentPath?: string;
  online: boolean;
  bdSeq?: number;
  lastSeq?: number;
  births: number;
  deaths: number;
  /** NDEATHs ignored because their bdSeq did not match the current birth, or no birth was known. */
  staleDeaths: number;
  lastStaleDeath?: string;
  seqGaps: number;
  rebirthsRequested: number;
  lastRebirthRequestAt?: number;
  lastRebirthReason?: string;
  rebirthPublishFailures: number;
  lastPublishError?: string;
  rejections: number;
  skippedMetrics: number;
  lastMessageAt?: number;
  devices: SparkplugDeviceHealth[];
}

export function nodeHealth(s: NodeSession): SparkplugNodeHealth {
  const { book: _book, devices, born: _born, rebirthOutstandingSince: _r, ...rest } = s;
  return {
    ...rest,
    devices: [...devices.values()].map((d) => ({
      device: d.device,
      equipmentPath: d.equipmentPath,
      online: d.online,
      births: d.births,
      deaths: d.deaths,
      lastMessageAt: d.lastMessageAt,
    })),
  };
}
