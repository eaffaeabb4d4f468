// The certificate of analysis as a PDF (pdfkit, the architecture's PDF part): the lot, the plan, the results per
// characteristic, the measurements and the signatures — each with printed name, meaning, time and status — and on
// every page a footer naming the lot and the signatures' state, so a printed page never stands without them.
import PDFDocument from 'pdfkit';
import type { SignatureView } from '../../platform/signatures/index.ts';
import type { Certificate } from './coa.service.ts';

export interface PdfOptions {
  /** false writes the page contents uncompressed (tests read the text back); default true */
  compress?: boolean;
}

const MARGIN = 48;
const FOOTER = 40;
const ROW = 15;
const SIZE = 8.5;

/** The standard PDF fonts write Windows-1252: what lies outside Latin-1 is spelled out or replaced, never garbled. */
export function pdfText(s: string): string {
  return s
    .replace(/≤/g, '<=')
    .replace(/≥/g, '>=')
    .replace(/[–—]/g, '-')
    .replace(/…/g, '...')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/σ/g, 'sigma')
    .replace(/\u0304/g, '') // the combining bar of X̄, R̄, MR̄
    .replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
}

/** Numbers as a quality engineer reads them: up to 6 significant digits, no floating-point noise; '-' for none. */
export const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : String(Number(v.toPrecision(6))));
/** "2026-12-02 10:15:00 UTC": UTC, 24-hour, to the second. */
export const utc = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
const verdict = (v: boolean | null) => (v === null ? '-' : v ? 'yes' : 'NO');

export function signatureLine(s: SignatureView): string {
  const status = s.status === 'broken' ? 'BROKEN' : s.status;
  return `${s.signerName} (${s.signerUsername}), ${s.meaning}${s.action ? ` for ${s.action}` : ''}, signed ${utc(s.signedAt)}: ${status}`;
}

/** Renders the certificate; resolves with the PDF's bytes. */
export function certificatePdf(c: Certificate, options: PdfOptions = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN + FOOTER, left: MARGIN, right: MARGIN },
    bufferPages: true,
    compress: options.compress ?? true,
    info: { Title: pdfText(`Certificate of analysis, lot ${c.lot.id}`), Author: 'Takt', Subject: pdfText(`Lot ${c.lot.id} (${c.product})`) },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (b: Buffer) => chunks.push(b));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  new Writer(doc).certificate(c);
  footers(doc, c);
  doc.end();
  return done;
}

class Writer {
  private y: number;
  private readonly left: number;
  private readonly width: number;

  constructor(private readonly doc: PDFKit.PDFDocument) {
    this.y = doc.page.margins.top;
    this.left = doc.page.margins.left;
    this.width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  }

  certificate(c: Certificate): void {
    this.title(c);
    this.lot(c);
    this.heading('Inspection plan');
    if (c.plan.length === 0) this.paragraph(`No inspection plan: product ${c.product} has no characteristics.`);
    else
      this.table(
        ['Characteristic', 'Kind', 'Nominal', 'LSL', 'USL', 'Unit', 'Method', 'Gauge'],
        [0.24, 0.08, 0.09, 0.09, 0.09, 0.07, 0.19, 0.15],
        c.plan.map((p) => [
          `${p.id} ${p.name}${p.inPlan ? '' : ' (not in plan)'}`,
          p.kind === 'variable' ? 'variable' : `attr. ${p.chart}`,
          fmt(p.nominal),
          fmt(p.lsl),
          fmt(p.usl),
          p.unit ?? '-',
          p.method ?? '-',
          p.gauge ?? '-',
        ]),
      );
    this.heading('Results per characteristic');
    if (c.measurements.length === 0) this.paragraph(`No measurements have been recorded against lot ${c.lot.id}.`, true);
    else
      this.table(
        ['Characteristic', 'n', 'Mean', 'Min', 'Max', 'Cpk', 'Ppk', 'Out of spec', 'All in spec'],
        [0.24, 0.06, 0.1, 0.1, 0.1, 0.08, 0.08, 0.12, 0.12],
        c.summaries.map((s) => [
          s.characteristic,
          String(s.n),
          fmt(s.mean),
          fmt(s.min),
          fmt(s.max),
          fmt(s.cpk),
          fmt(s.ppk),
          String(s.outOfSpec),
          verdict(s.allInSpec),
        ]),
      );
    if (c.measurements.length > 0) {
      this.paragraph(
        'Cpk with sigma within estimated from the lot\'s own values (I-MR: MR/1.128, X-R: R/d2, X-S: s/c4), Ppk with the overall s; "-" where it cannot be formed (fewer than 2 values, no spec limit, attributes). Attribute samples are in spec with no defect or defective.',
      );
      this.heading(`Measurements (${c.measurements.length}${c.truncated ? ', the first ones only: the lot has more' : ''})`);
      this.table(
        ['Time (UTC)', 'Characteristic', 'Value / count', 'Source', 'Order / op.', 'Machine', 'In spec'],
        [0.2, 0.18, 0.14, 0.09, 0.17, 0.12, 0.1],
        c.measurements.map((m) => [
          utc(m.ts).slice(0, 19),
          m.characteristic,
          m.value !== null
            ? fmt(m.value)
            : m.defectives !== null
              ? `${m.defectives} of ${fmt(m.n)}`
              : `${m.defects}${m.n !== null ? ` in ${fmt(m.n)}` : ''} defects`,
          m.source,
          m.orderId ? `${m.orderId}${m.operationSeq !== null ? ` / ${m.operationSeq}` : ''}` : '-',
          m.equipment ?? '-',
          verdict(m.inSpec),
        ]),
      );
    }
    this.signatures(c);
  }

  private title(c: Certificate): void {
    this.doc.font('Helvetica-Bold').fontSize(18).fillColor('black');
    this.doc.text('Certificate of Analysis', this.left, this.y, { lineBreak: false });
    this.y += 24;
    this.doc
      .font('Helvetica')
      .fontSize(12)
      .text(pdfText(`Lot ${c.lot.id}, ${c.product}`), this.left, this.y, { lineBreak: false });
    this.y += 22;
  }

  private lot(c: Certificate): void {
    const l = c.lot;
    const p = l.producedBy;
    const facts: Array<[string, string]> = [
      ['Lot', l.id],
      ['Material / product', l.materialId],
      ['Quantity', `${fmt(l.initialQuantity)} ${l.unit} (now ${fmt(l.quantity)} ${l.unit}, ${l.status})`],
      [
        'Produced by',
        p
          ? `order ${p.orderId}${p.seq !== null ? `, operation ${p.seq}` : ''}${p.equipment ? `, machine ${p.equipment}` : ''}${p.operator ? `, operator ${p.operator}` : ''}`
          : '-',
      ],
      ['Supplier', l.supplier ? `${l.supplier}${l.supplierLot ? `, supplier lot ${l.supplierLot}` : ''}` : '-'],
      ['Lot created', utc(l.createdAt)],
      ['Certificate generated', utc(c.generatedAt)],
      ['Record hash (SHA-256)', c.currentHash],
    ];
    for (const [k, v] of facts) {
      this.room(ROW);
      this.doc.font('Helvetica-Bold').fontSize(SIZE).text(k, this.left, this.y, { lineBreak: false });
      this.doc.font('Helvetica').text(this.fit(pdfText(v), this.width - 130), this.left + 130, this.y, { lineBreak: false });
      this.y += ROW - 2;
    }
  }

  private signatures(c: Certificate): void {
    this.heading('Signatures');
    this.paragraph(pdfText(approvalLine(c)));
    if (c.signatures.length === 0) {
      this.paragraph('Not signed.');
      return;
    }
    for (const s of c.signatures) {
      this.room(ROW * 2);
      this.doc
        .font('Helvetica-Bold')
        .fontSize(SIZE + 1)
        .fillColor(s.status === 'valid' ? 'black' : '#b42318');
      this.doc.text(pdfText(signatureLine(s)), this.left, this.y, { width: this.width });
      this.y = this.doc.y + 2;
      this.doc.font('Helvetica').fontSize(SIZE);
      const why = [...s.problems, ...(s.changed.length ? [`changed: ${s.changed.slice(0, 10).join(', ')}${s.changed.length > 10 ? ' ...' : ''}`] : [])];
      for (const w of why) {
        this.room(ROW);
        this.doc.text(pdfText(`- ${w}`), this.left + 12, this.y, { width: this.width - 12 });
        this.y = this.doc.y + 1;
      }
      this.doc.fillColor('black');
      this.y += 4;
    }
  }

  private heading(text: string): void {
    this.room(ROW * 3);
    this.y += 8;
    this.doc.font('Helvetica-Bold').fontSize(11).fillColor('black').text(pdfText(text), this.left, this.y, { lineBreak: false });
    this.y += 16;
  }

  private paragraph(text: string, bold = false): void {
    this.room(ROW * 2);
    this.doc
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(SIZE)
      .text(pdfText(text), this.left, this.y, { width: this.width });
    this.y = this.doc.y + 4;
  }

  private table(head: string[], fractions: number[], rows: string[][]): void {
    const widths = fractions.map((f) => f * this.width);
    const line = (cells: string[], bold: boolean) => {
      this.doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(SIZE);
      let x = this.left;
      cells.forEach((cell, i) => {
        this.doc.text(this.fit(pdfText(cell), widths[i] - 4), x, this.y, { lineBreak: false });
        x += widths[i];
      });
      this.y += ROW - 3;
    };
    const header = () => {
      line(head, true);
      this.doc
        .moveTo(this.left, this.y - 2)
        .lineTo(this.left + this.width, this.y - 2)
        .lineWidth(0.5)
        .stroke();
      this.y += 2;
    };
    this.room(ROW * 2);
    header();
    for (const r of rows) {
      if (this.room(ROW)) header();
      line(r, false);
    }
    this.y += 4;
  }

  /** Starts a new page when `height` does not fit on this one; true when it did. */
  private room(height: number): boolean {
    if (this.y + height <= this.doc.page.height - this.doc.page.margins.bottom) return false;
    this.doc.addPage();
    this.y = this.doc.page.margins.top;
    return true;
  }

  /** The text cut to the width, with "..." when cut. */
  private fit(text: string, width: number): string {
    if (this.doc.widthOfString(text) <= width) return text;
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.doc.widthOfString(`${text.slice(0, mid)}...`) <= width) lo = mid;
      else hi = mid - 1;
    }
    return `${text.slice(0, lo)}...`;
  }
}

/** On every page: the lot, the page number, and each signature's name, meaning and status. */
function footers(doc: PDFKit.PDFDocument, c: Certificate): void {
  const { start, count } = doc.bufferedPageRange();
  const sigs = c.signatures.length
    ? `Signatures: ${c.signatures.map((s) => `${s.signerName} (${s.meaning}, ${s.status === 'broken' ? 'BROKEN' : s.status})`).join('; ')}`
    : 'Signatures: not signed';
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing below the bottom margin would otherwise open a new page
    const y = doc.page.height - MARGIN - FOOTER + 12;
    const width = doc.page.width - 2 * MARGIN;
    doc
      .moveTo(MARGIN, y - 4)
      .lineTo(MARGIN + width, y - 4)
      .lineWidth(0.5)
      .stroke();
    doc.font('Helvetica').fontSize(7.5).fillColor('black');
    doc.text(pdfText(`Certificate of analysis, lot ${c.lot.id} - page ${i - start + 1} of ${count}`), MARGIN, y, { lineBreak: false });
    doc.text(pdfText(sigs), MARGIN, y + 11, { width, height: 20, ellipsis: true });
    doc.page.margins.bottom = bottom;
  }
}

/** Whether the certificate's signatures meet what the policy asks for coa.sign. */
export function approvalLine(c: Certificate): string {
  const a = c.approval;
  if (a.needed === 0) return 'Approval (coa.sign): the signature policy asks for none';
  const kind = [
    a.needed === 2 ? 'two signatures by two different people' : 'a signature',
    a.meaning ? `meaning ${a.meaning}` : '',
    a.roles.length ? `by ${a.roles.join(' or ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return `Approval (coa.sign): ${kind}; ${Math.min(a.counted.length, a.needed)} of ${a.needed} given - ${a.complete ? 'approved' : 'not approved'}`;
}
