// Certificates of analysis per lot: loads the lot (through the lots port), its product's inspection plan and its
// measurements, and the certificate's signatures (record type quality.coa, id the lot number). The signing service
// asks `signedRecord` for the current version, so a measurement changed after signing breaks the signature.
import type { Lot } from '../../lots/index.ts';
import type { Db } from '../../platform/db/database.ts';
import { notFound } from '../../platform/errors.ts';
import { recordHash, type SignatureService, type SignatureView } from '../../platform/signatures/index.ts';
import * as quality from '../quality.repository.ts';
import { COA_RECORD_TYPE, certificateOf, MAX_LOT_MEASUREMENTS, signedVersion, type CertificateContent, type CoaLot } from './certificate.ts';
import { lotMeasurements } from './coa.repository.ts';

/** What quality asks of the lots module (src/modules.ts plugs the lot service in): one lot, undefined when unknown. */
export interface LotLookup {
  lot(id: string): Promise<Lot | undefined>;
}

/** The certificate as the API answers it: the content, its signatures checked against it, and when it was made. */
export interface Certificate extends CertificateContent {
  recordType: typeof COA_RECORD_TYPE;
  /** SHA-256 of the signed version of this content (what a new signature would bind to) */
  currentHash: string;
  signatures: SignatureView[];
  /** What the signature policy asks for coa.sign and whether the valid signatures meet it (no rule: none needed). */
  approval: CertificateApproval;
  generatedAt: string;
}

export interface CertificateApproval {
  action: typeof COA_SIGN_ACTION;
  /** signatures the policy asks for (0: coa.sign is not in the policy) */
  needed: number;
  /** ids of the signatures that count towards it (valid, for coa.sign, right meaning and role, one per person) */
  counted: string[];
  /** roles a counting signer must hold (empty: any person) and the meaning a signature must carry (null: any) */
  roles: string[];
  meaning: string | null;
  complete: boolean;
}

/** The policy action a certificate's signatures are given for. */
export const COA_SIGN_ACTION = 'coa.sign';

/** The most characteristics a product's plan brings into a certificate. */
const MAX_PLAN = 1000;

export class CoaService {
  constructor(
    private readonly db: Db,
    private readonly lots: LotLookup,
    private readonly signatures: Pick<SignatureService, 'verify' | 'evaluate'>,
  ) {}

  /** The certificate's content now, or undefined when there is no such lot. */
  async content(lotId: string): Promise<CertificateContent | undefined> {
    const lot = await this.lots.lot(lotId);
    if (!lot) return undefined;
    const stored = await lotMeasurements(this.db, lot.id, MAX_LOT_MEASUREMENTS + 1);
    const truncated = stored.length > MAX_LOT_MEASUREMENTS;
    const measurements = truncated ? stored.slice(0, MAX_LOT_MEASUREMENTS) : stored;
    const plan = await quality.listCharacteristics(this.db, { product: lot.materialId, limit: MAX_PLAN });
    const inPlan = new Set(plan.map((c) => c.id));
    const others = await quality.getCharacteristics(
      this.db,
      [...new Set(measurements.map((m) => m.characteristic))].filter((id) => !inPlan.has(id)),
    );
    return certificateOf(coaLot(lot), plan, others, measurements, truncated);
  }

  /** The loader registered with the signing service: the version a signature of the lot's certificate binds to. */
  signedRecord = async (lotId: string): Promise<unknown> => {
    const c = await this.content(lotId);
    return c ? signedVersion(c) : undefined;
  };

  /** The certificate with its signatures, each valid or broken against the current content. 404 for an unknown lot. */
  async certificate(lotId: string, now = new Date()): Promise<Certificate> {
    const content = await this.content(lotId);
    if (!content) throw notFound('lot', lotId);
    // checked against this very content, so the page and the PDF show the version they print
    const version = signedVersion(content);
    const signatures = await this.signatures.verify(COA_RECORD_TYPE, content.lot.id, version);
    const e = await this.signatures.evaluate(COA_SIGN_ACTION, signatures);
    return {
      ...content,
      recordType: COA_RECORD_TYPE,
      currentHash: recordHash(version),
      signatures,
      approval: {
        action: COA_SIGN_ACTION,
        needed: e.needed,
        counted: e.counted,
        roles: e.rule?.roles ?? [],
        meaning: e.rule?.meaning ?? null,
        complete: e.complete,
      },
      generatedAt: now.toISOString(),
    };
  }
}

function coaLot(lot: Lot): CoaLot {
  const p = lot.producedBy;
  return {
    id: lot.id,
    materialId: lot.materialId,
    initialQuantity: lot.initialQuantity,
    quantity: lot.quantity,
    unit: lot.unit,
    status: lot.status,
    supplier: lot.supplier,
    supplierLot: lot.supplierLot,
    createdAt: lot.createdAt,
    producedBy: p ? { orderId: p.orderId, seq: p.seq, equipment: p.equipment, operator: p.operator } : null,
  };
}
