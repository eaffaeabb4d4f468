// The audit trail's anchor outside the database (issue #11 item 11). The hash chain alone proves nothing against
// someone with the database owner's rights: they can disable the append-only triggers, rewrite a row and recompute
// every later hash, or cut off the tail, and `audit verify` would still agree. Two things the database cannot forge:
//
//  - a keyed HMAC per row (column audit_log.hmac), with a secret held by the Takt process, not by the database, so a
//    row rewritten with recomputed SHA-256 hashes no longer matches its HMAC;
//  - signed checkpoints (sequence, head hash) appended to a JSON-lines file beside the key, periodically, at shutdown
//    and on demand, so a tail deleted below the last checkpoint is noticed.
//
// Checkpoints are Ed25519-signed (node:crypto) rather than HMAC'd: an auditor checks them with the public key alone
// (`takt audit public-key`), without holding the secret that could forge them. Both keys derive from one 32-byte
// secret by HKDF, so there is one thing to keep: the key file (mode 0600) or TAKT_AUDIT_KEY. See docs/security.md.
import { createHash, createHmac, createPrivateKey, createPublicKey, hkdfSync, randomBytes, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** A signed checkpoint, as the file holds it and the API shows it. */
export const checkpointSchema = z.object({
  v: z.literal(1),
  /** The last row's sequence number (0: the trail was empty). */
  seq: z.number().int().min(0),
  /** That row's hash (the genesis hash for an empty trail). */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string().max(40),
  /** start | periodic | shutdown | manual */
  reason: z.string().max(40),
  /** Which key signed it: the first 16 hex digits of SHA-256 over the raw public key. */
  key: z.string().regex(/^[0-9a-f]{16}$/),
  /** Ed25519 signature, base64, over checkpointMessage(). */
  sig: z.string().max(200),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

/** A line of the checkpoint file: nothing but a checkpoint's fields. */
const checkpointLine = checkpointSchema.strict();

/** Exactly what a checkpoint's signature covers: every field but the signature, in a fixed order. */
export function checkpointMessage(c: Omit<Checkpoint, 'sig'>): Buffer {
  return Buffer.from(`takt-audit-checkpoint:v${c.v}\n${c.seq}\n${c.hash}\n${c.at}\n${c.reason}\n${c.key}`);
}

export interface CheckpointRead {
  /** Checkpoints whose signature holds, in file order. */
  valid: Checkpoint[];
  /** Lines that do not parse or whose signature does not hold (1-based line numbers). */
  problems: Array<{ line: number; reason: string }>;
}

/** PKCS#8 DER header of an Ed25519 private key (RFC 8410); the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface AnchorSettings {
  /** 64 hex characters; wins over the key file. */
  key?: string;
  /** null: no file (memory:// databases), a key shared by the process. */
  keyFile: string | null;
  /** null: checkpoints kept in memory (memory:// databases). */
  checkpointFile: string | null;
}

/** One key per process for databases that live in memory (tests): they vanish with the process too. */
let processKey: Buffer | undefined;

export class AuditAnchor {
  private readonly macKey: Buffer;
  private readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyId: string;
  private readonly memory: Checkpoint[] = [];

  private constructor(
    secret: Buffer,
    readonly checkpointFile: string | null,
    /** Set when this open created the key file (first start). */
    readonly createdKeyFile: string | null,
  ) {
    this.macKey = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'takt-audit-row-hmac-v1', 32));
    const seed = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'takt-audit-checkpoint-ed25519-v1', 32));
    this.privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    this.publicKey = createPublicKey(this.privateKey);
    const raw = this.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    this.keyId = createHash('sha256').update(raw).digest('hex').slice(0, 16);
  }

  /**
   * Loads the secret (setting, else key file, created with mode 0600 on first use). Refuses to create a new key
   * when the checkpoint file already holds checkpoints: the old key is lost or misplaced, and a fresh one would make
   * every existing row look forged.
   */
  static open(s: AnchorSettings): AuditAnchor {
    if (s.key) return new AuditAnchor(Buffer.from(s.key, 'hex'), s.checkpointFile, null);
    if (s.keyFile === null) return new AuditAnchor((processKey ??= randomBytes(32)), s.checkpointFile, null);
    if (existsSync(s.keyFile)) {
      const text = readFileSync(s.keyFile, 'utf8').trim();
      if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new Error(`audit key file ${s.keyFile}: expected 64 hex characters`);
      return new AuditAnchor(Buffer.from(text, 'hex'), s.checkpointFile, null);
    }
    if (s.checkpointFile && existsSync(s.checkpointFile) && statSync(s.checkpointFile).size > 0)
      throw new Error(
        `audit key file ${s.keyFile} is missing but ${s.checkpointFile} holds checkpoints: restore the key (or set TAKT_AUDIT_KEY); ` +
          'a new key would make the existing trail unverifiable',
      );
    const secret = randomBytes(32);
    mkdirSync(path.dirname(s.keyFile), { recursive: true });
    writeFileSync(s.keyFile, `${secret.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    return new AuditAnchor(secret, s.checkpointFile, s.keyFile);
  }

  /** HMAC-SHA256 of a row, over its sequence number and its chain hash (which covers content and predecessor). */
  rowMac(seq: number, hash: string): string {
    return createHmac('sha256', this.macKey).update(`takt-audit-row:v1\n${seq}\n${hash}`).digest('hex');
  }

  rowMacMatches(seq: number, hash: string, mac: string): boolean {
    const want = Buffer.from(this.rowMac(seq, hash), 'hex');
    const got = Buffer.from(mac, 'hex');
    return got.length === want.length && timingSafeEqual(got, want);
  }

  /** The public key (PEM, SPKI) an auditor needs to check checkpoints. */
  publicKeyPem(): string {
    return this.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  }

  /** Signs and appends one checkpoint. */
  append(seq: number, hash: string, reason: string, at = new Date().toISOString()): Checkpoint {
    const body = { v: 1 as const, seq, hash, at, reason, key: this.keyId };
    const cp: Checkpoint = { ...body, sig: sign(null, checkpointMessage(body), this.privateKey).toString('base64') };
    if (this.checkpointFile === null) this.memory.push(cp);
    else {
      mkdirSync(path.dirname(this.checkpointFile), { recursive: true });
      appendFileSync(this.checkpointFile, `${JSON.stringify(cp)}\n`, { mode: 0o600 });
    }
    return cp;
  }

  /** Every checkpoint line, checked against this installation's public key. */
  read(): CheckpointRead {
    if (this.checkpointFile === null) return { valid: [...this.memory], problems: [] };
    if (!existsSync(this.checkpointFile)) return { valid: [], problems: [] };
    return parseCheckpoints(readFileSync(this.checkpointFile, 'utf8'), this.publicKey);
  }
}

/** Parses a checkpoint file and checks each line's signature with `publicKey` (usable by an auditor on its own). */
export function parseCheckpoints(text: string, publicKey: KeyObject): CheckpointRead {
  const out: CheckpointRead = { valid: [], problems: [] };
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let parsed: z.ZodSafeParseResult<z.infer<typeof checkpointLine>>;
    try {
      parsed = checkpointLine.safeParse(JSON.parse(raw));
    } catch {
      out.problems.push({ line: i + 1, reason: 'not JSON' });
      return;
    }
    if (!parsed.success) {
      out.problems.push({ line: i + 1, reason: `not a checkpoint (${parsed.error.issues[0]?.path.join('.') || 'line'}: ${parsed.error.issues[0]?.message})` });
      return;
    }
    const { sig, ...body } = parsed.data;
    if (!verify(null, checkpointMessage(body), publicKey, Buffer.from(sig, 'base64'))) {
      out.problems.push({ line: i + 1, reason: `signature does not hold for this installation's audit key (signed by key ${body.key})` });
      return;
    }
    out.valid.push(parsed.data);
  });
  return out;
}

/** The anchor that appendAudit HMACs new rows with: one per process (one Takt, or one CLI command). */
const installed: AuditAnchor[] = [];

/** Makes `anchor` the one new audit rows are signed with, until the returned function is called. */
export function installAuditAnchor(anchor: AuditAnchor): () => void {
  installed.push(anchor);
  return () => {
    const i = installed.lastIndexOf(anchor);
    if (i >= 0) installed.splice(i, 1);
  };
}

export function currentAuditAnchor(): AuditAnchor | undefined {
  return installed[installed.length - 1];
}

/** Where key and checkpoints live for a configuration: the data folder, unless set; in memory for memory:// data. */
export function anchorSettings(c: { dataDir: string; auditKey?: string; auditKeyFile?: string; auditCheckpointFile?: string }): AnchorSettings {
  const memory = c.dataDir.startsWith('memory://');
  return {
    key: c.auditKey,
    keyFile: c.auditKeyFile ?? (memory ? null : path.join(c.dataDir, 'audit.key')),
    checkpointFile: c.auditCheckpointFile ?? (memory ? null : path.join(c.dataDir, 'audit-checkpoints.jsonl')),
  };
}
