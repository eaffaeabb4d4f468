import { describe, expect, it } from 'vitest';
import { readPdf } from '../../../test/support/pdf.ts';
import type { SignatureView } from '../../platform/signatures/index.ts';
import { certificateOf, type CoaLot } from './certificate.ts';
import type { Certificate } from './coa.service.ts';
import { characteristicFixture, measurementFixture } from './fixtures.ts';
import { certificatePdf, fmt, pdfText } from './pdf.ts';

const lot: CoaLot = {
  id: 'TOP-7',
  materialId: 'HSG-TOP',
  initialQuantity: 250,
  quantity: 250,
  unit: 'pcs',
  status: 'available',
  supplier: null,
  supplierLot: null,
  createdAt: '2026-12-01T07:00:00.000Z',
  producedBy: { orderId: 'O-77', seq: 10, equipment: 'imm01', operator: 'olivia' },
};

const wall = characteristicFixture({ id: 'WALL-1', name: 'Wall thickness', method: 'measure at rib 3' });

const measurement = (i: number, value: number) =>
  measurementFixture({ id: i, characteristic: 'WALL-1', ts: new Date(Date.UTC(2026, 11, 1, 8, 0, i)).toISOString(), value, orderId: 'O-77', lot: 'TOP-7' });

const signature = (status: SignatureView['status'], over: Partial<SignatureView> = {}): SignatureView => ({
  id: `sig-${status}`,
  recordType: 'quality.coa',
  recordId: 'TOP-7',
  action: null,
  meaning: 'approval',
  signerId: 'u1',
  signerUsername: 'quinn',
  signerName: 'Quinn Quality',
  signerRoles: ['quality'],
  method: 'password',
  reason: null,
  signedAt: '2026-12-02T09:30:05.123Z',
  recordHash: 'a'.repeat(64),
  status,
  problems: status === 'broken' ? ['the record has changed since it was signed'] : [],
  changed: status === 'broken' ? ['$.measurements[1].value'] : [],
  ...over,
});

const certificate = (values: number[], signatures: SignatureView[]): Certificate => ({
  ...certificateOf(
    lot,
    [wall],
    [],
    values.map((v, i) => measurement(i + 1, v)),
    false,
  ),
  recordType: 'quality.coa',
  currentHash: 'b'.repeat(64),
  signatures,
  approval: {
    action: 'coa.sign',
    needed: 1,
    counted: signatures.filter((s) => s.status === 'valid' && s.action === 'coa.sign').map((s) => s.id),
    roles: ['quality'],
    meaning: 'approval',
    complete: signatures.some((s) => s.status === 'valid' && s.action === 'coa.sign'),
  },
  generatedAt: '2026-12-02T10:00:00.000Z',
});

describe('certificatePdf', () => {
  it('prints the lot, its origin, the plan, each value, the summary and each signature with name, meaning, time and status', async () => {
    const pdf = await certificatePdf(
      certificate([1.95, 2.05, 2.31], [signature('valid'), signature('broken', { signerName: 'Sam Supervisor', meaning: 'review' })]),
      {
        compress: false,
      },
    );
    const { text, pages } = readPdf(pdf);
    expect(pages).toBe(1);
    for (const s of [
      'Certificate of Analysis',
      'Lot TOP-7, HSG-TOP',
      'order O-77, operation 10, machine imm01, operator olivia',
      'WALL-1 Wall thickness',
      'measure at rib 3',
      'caliper C-12',
      '1.95',
      '2.05',
      '2.31',
      '2026-12-01 08:00:01',
      'Quinn Quality (quinn), approval, signed 2026-12-02 09:30:05 UTC: valid',
      'Sam Supervisor (quinn), review, signed 2026-12-02 09:30:05 UTC: BROKEN',
      '- the record has changed since it was signed',
      '$.measurements[1].value',
      'Signatures: Quinn Quality (approval, valid); Sam Supervisor (review, BROKEN)',
      'Approval (coa.sign): a signature meaning approval by quality; 0 of 1 given - not approved',
    ])
      expect(text).toContain(s);
    // the summary row: n 3, mean 2.10333, min, max, one out of spec, not all in spec
    expect(readPdf(pdf).texts.join('|')).toContain('WALL-1|3|2.10333|1.95|2.31|');
    // nothing cut short in a table cell
    expect(readPdf(pdf).texts.filter((t) => t.endsWith('...'))).toEqual([]);
  });

  it('the compressed PDF (what the route sends) reads the same', async () => {
    const c = certificate([2], [signature('valid')]);
    const plain = readPdf(await certificatePdf(c, { compress: false }));
    const packed = await certificatePdf(c);
    expect(packed.toString('latin1')).toContain('/FlateDecode');
    expect(readPdf(packed).texts).toEqual(plain.texts);
  });

  it('a lot without measurements says so instead of an empty table, and unsigned says "Not signed"', async () => {
    const { text } = readPdf(await certificatePdf(certificate([], []), { compress: false }));
    expect(text).toContain('No measurements have been recorded against lot TOP-7.');
    expect(text).not.toContain('Out of spec');
    expect(text).toContain('Not signed.');
    expect(text).toContain('Signatures: not signed');
  });

  it('says whether the signatures meet the policy for coa.sign', async () => {
    const signed = readPdf(await certificatePdf(certificate([2], [signature('valid', { action: 'coa.sign' })]), { compress: false }));
    expect(signed.text).toContain('Approval (coa.sign): a signature meaning approval by quality; 1 of 1 given - approved');
    const open = { ...certificate([2], []), approval: { action: 'coa.sign' as const, needed: 0, counted: [], roles: [], meaning: null, complete: true } };
    expect(readPdf(await certificatePdf(open, { compress: false })).text).toContain('Approval (coa.sign): the signature policy asks for none');
  });

  it('a long certificate runs over pages, each with the lot, its page number and the signatures in its footer', async () => {
    const values = Array.from({ length: 150 }, (_, i) => 2 + ((i % 7) - 3) / 100);
    const { pages, texts } = readPdf(await certificatePdf(certificate(values, [signature('broken')]), { compress: false }));
    expect(pages).toBeGreaterThanOrEqual(3);
    for (let p = 1; p <= pages; p++) expect(texts).toContain(`Certificate of analysis, lot TOP-7 - page ${p} of ${pages}`);
    expect(texts.filter((t) => t === 'Signatures: Quinn Quality (approval, BROKEN)')).toHaveLength(pages);
    // every value's row is there, the table header repeated on each page
    expect(texts.filter((t) => t === 'WALL-1').length).toBeGreaterThanOrEqual(150);
    expect(texts.filter((t) => t === 'Characteristic').length).toBeGreaterThanOrEqual(pages);
  });
});

describe('pdfText and fmt', () => {
  it('keeps Latin-1, spells out or replaces the rest', () => {
    expect(pdfText('Müller ± 0,5 µm ≤ 2 – ok… σ X̄ “q” 日本')).toBe('Müller ± 0,5 µm <= 2 - ok... sigma X "q" ??');
  });
  it('numbers without floating-point noise', () => {
    expect([0.1 + 0.2, 2.103333333, 1e-7, null].map(fmt)).toEqual(['0.3', '2.10333', '1e-7', '-']);
  });
});
