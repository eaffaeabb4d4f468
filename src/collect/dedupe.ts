// Recently seen values, to drop a message delivered twice (MQTT QoS 1 redelivery, a device resending) before it
// costs a database round trip. Two generations of Maps: O(1), bounded, the oldest half forgotten first.
export class RecentSet<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    return this.current.get(key) ?? this.previous.get(key);
  }

  set(key: string, value: V): void {
    if (this.current.size >= this.capacity / 2) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }
}
