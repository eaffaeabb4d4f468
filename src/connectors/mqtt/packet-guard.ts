// MQTT packet size cap per connection (issue #11 item 12). aedes' parser (mqtt-packet) has no size limit: it buffers
// whatever length a fixed header declares, so a 150 MB CONNECT from anyone who can reach the port was streamed into
// memory before sign-in. This guard reads the MQTT framing itself (MQTT 3.1.1 §2.2: one header byte, then the
// "remaining length" as a variable byte integer of at most 4 bytes) as the broker reads the socket, and ends the
// connection as soon as a header declares more than the cap — before the body arrives.
import type { Socket } from 'node:net';

/** The cap before the client has signed in: a CONNECT with client id, will and credentials fits easily. */
export const PRE_AUTH_MAX_PACKET = 64 * 1024;

export interface PacketGuard {
  /** Called once the client has signed in: from now on the larger cap applies. */
  authenticated(): void;
}

type Refusal = { declared: number; limit: number } | { malformed: string };

/**
 * Watches every chunk the broker reads from `socket`. Uses only the public `socket.read` (aedes reads in paused mode
 * with read(null)); a chunk that would complete or continue an oversized packet is never handed over.
 */
export function guardPacketSize(socket: Socket, maxPacket: number, onRefused: (why: Refusal) => void): PacketGuard {
  let limit = PRE_AUTH_MAX_PACKET;
  let state: 'header' | 'length' | 'body' = 'header';
  let length = 0;
  let multiplier = 1;
  let lengthBytes = 0;
  let remaining = 0;

  /** Walks the frames in a chunk; the first refusal, or undefined. */
  const scan = (chunk: Buffer): Refusal | undefined => {
    for (let i = 0; i < chunk.length; ) {
      if (state === 'body') {
        const n = Math.min(remaining, chunk.length - i);
        remaining -= n;
        i += n;
        if (remaining === 0) state = 'header';
        continue;
      }
      const b = chunk[i++];
      if (state === 'header') {
        state = 'length';
        length = 0;
        multiplier = 1;
        lengthBytes = 0;
        continue;
      }
      length += (b & 0x7f) * multiplier;
      multiplier *= 128;
      lengthBytes++;
      if (b & 0x80) {
        if (lengthBytes === 4) return { malformed: 'remaining length longer than 4 bytes' };
        continue;
      }
      // the fixed header (1 byte + length bytes) counts towards the packet size, as in MQTT 5 §3.1.2.11.9
      if (length + 1 + lengthBytes > limit) return { declared: length + 1 + lengthBytes, limit };
      remaining = length;
      state = remaining > 0 ? 'body' : 'header';
    }
    return undefined;
  };

  const read = socket.read.bind(socket);
  socket.read = ((size?: number) => {
    if (socket.destroyed) return null;
    const chunk = read(size) as Buffer | string | null;
    if (chunk === null || typeof chunk === 'string') return chunk;
    const refused = scan(chunk);
    if (!refused) return chunk;
    onRefused(refused);
    socket.destroy();
    return null;
  }) as Socket['read'];

  return {
    authenticated() {
      limit = maxPacket;
    },
  };
}
