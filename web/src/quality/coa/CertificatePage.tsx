// /quality/lots/:lotId/certificate — a lot's certificate of analysis (docs/quality.md, "Certificates of analysis"):
// the lot and where it was made, its product's inspection plan, each characteristic's results (n, mean, min, max,
// Cpk, in spec), the measurements recorded against the lot, and its signatures with a "Sign" dialog. "Download PDF"
// gives the printout the server renders from the same data.
import type { Certificate } from '../../../../src/quality/index.ts';
import { buildUrl } from '../../platform/api.ts';
import { hasRole, useAuth } from '../../platform/auth.tsx';
import { Badge, Banner, ErrorBanner, PageHeader, Spinner } from '../../platform/components.tsx';
import { formatDateTime } from '../../platform/format.ts';
import { useResource } from '../../platform/hooks.ts';
import { Link } from '../../platform/router.tsx';
import { Signatures } from '../../platform/Signatures.tsx';
import './coa.css';

/** Up to 6 significant digits, no floating-point noise; an em dash for none. */
const num = (v: number | null | undefined) => (v === null || v === undefined ? '—' : String(Number(v.toPrecision(6))));

function Verdict({ ok }: { ok: boolean | null }) {
  if (ok === null) return <span className="muted">—</span>;
  return ok ? <Badge tone="ok">in spec</Badge> : <Badge tone="danger">OUT</Badge>;
}

export function CertificatePage({ lotId }: { lotId: string }) {
  const path = `/quality/lots/${encodeURIComponent(lotId)}/certificate`;
  const cert = useResource<Certificate>(path);
  // quality engineers (and admins) approve certificates; everyone else sees the signatures
  const canSign = hasRole(useAuth().user, 'quality', 'admin');
  const c = cert.data;
  const p = c?.lot.producedBy;
  return (
    <div className="page coa-page">
      <PageHeader
        title={`Certificate of analysis — lot ${lotId}`}
        subtitle={c ? `${c.product} · ${num(c.lot.initialQuantity)} ${c.lot.unit}` : undefined}
        actions={
          <a className="btn btn-secondary" href={buildUrl(`${path}.pdf`)} target="_blank" rel="noreferrer" data-testid="coa-pdf">
            Download PDF
          </a>
        }
      />
      <ErrorBanner error={cert.error} onRetry={() => void cert.reload()} />
      {!c && cert.loading && <Spinner label="Loading the certificate…" />}
      {c && (
        <>
          <section className="card q-section">
            <dl className="coa-facts">
              <dt>Lot</dt>
              <dd>{c.lot.id}</dd>
              <dt>Material / product</dt>
              <dd>{c.lot.materialId}</dd>
              <dt>Quantity</dt>
              <dd>
                {num(c.lot.initialQuantity)} {c.lot.unit}{' '}
                <span className="muted">
                  (now {num(c.lot.quantity)}, {c.lot.status})
                </span>
              </dd>
              <dt>Produced by</dt>
              <dd>
                {p
                  ? `order ${p.orderId}${p.seq !== null ? `, operation ${p.seq}` : ''}${p.equipment ? `, machine ${p.equipment}` : ''}${p.operator ? `, operator ${p.operator}` : ''}`
                  : '—'}
              </dd>
              {c.lot.supplier && (
                <>
                  <dt>Supplier</dt>
                  <dd>
                    {c.lot.supplier}
                    {c.lot.supplierLot ? `, supplier lot ${c.lot.supplierLot}` : ''}
                  </dd>
                </>
              )}
              <dt>Lot created</dt>
              <dd>{formatDateTime(c.lot.createdAt)}</dd>
            </dl>
          </section>

          <section className="card q-section">
            <h2>Inspection plan</h2>
            {c.plan.length === 0 ? (
              <p className="muted">Product {c.product} has no characteristics.</p>
            ) : (
              <div className="table-scroll">
                <table className="table" data-testid="coa-plan">
                  <thead>
                    <tr>
                      <th>Characteristic</th>
                      <th>Nominal</th>
                      <th>LSL</th>
                      <th>USL</th>
                      <th>Unit</th>
                      <th>Method</th>
                      <th>Gauge</th>
                    </tr>
                  </thead>
                  <tbody>
                    {c.plan.map((l) => (
                      <tr key={l.id}>
                        <td>
                          <Link to={`/quality/characteristics/${encodeURIComponent(l.id)}`}>{l.id}</Link> {l.name}
                          {!l.inPlan && <div className="muted small">measured, not in the product's plan</div>}
                        </td>
                        <td>{num(l.nominal)}</td>
                        <td>{num(l.lsl)}</td>
                        <td>{num(l.usl)}</td>
                        <td>{l.unit ?? (l.kind === 'attribute' ? `${l.chart} chart` : '—')}</td>
                        <td>{l.method ?? '—'}</td>
                        <td>{l.gauge ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>

          <section className="card q-section">
            <h2>Results</h2>
            {c.measurements.length === 0 ? (
              <Banner kind="warn">No measurements have been recorded against lot {c.lot.id}.</Banner>
            ) : (
              <>
                <div className="table-scroll">
                  <table className="table" data-testid="coa-summary">
                    <thead>
                      <tr>
                        <th>Characteristic</th>
                        <th>n</th>
                        <th>Mean</th>
                        <th>Min</th>
                        <th>Max</th>
                        <th title="σ within from the lot's own values">Cpk</th>
                        <th>Out of spec</th>
                        <th>All in spec</th>
                      </tr>
                    </thead>
                    <tbody>
                      {c.summaries.map((s) => (
                        <tr key={s.characteristic}>
                          <td>{s.characteristic}</td>
                          <td>{s.n}</td>
                          <td>{num(s.mean)}</td>
                          <td>{num(s.min)}</td>
                          <td>{num(s.max)}</td>
                          <td>{num(s.cpk)}</td>
                          <td>{s.outOfSpec}</td>
                          <td>
                            <Verdict ok={s.allInSpec} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <h3>Measurements ({c.measurements.length})</h3>
                {c.truncated && <Banner kind="warn">The lot has more measurements: the first {c.measurements.length} are listed.</Banner>}
                <div className="table-scroll">
                  <table className="table" data-testid="coa-measurements">
                    <thead>
                      <tr>
                        <th>Time</th>
                        <th>Characteristic</th>
                        <th>Value / count</th>
                        <th>Source</th>
                        <th>Order / op.</th>
                        <th>Machine</th>
                        <th>In spec</th>
                      </tr>
                    </thead>
                    <tbody>
                      {c.measurements.map((m) => (
                        <tr key={m.id}>
                          <td className="small">{formatDateTime(m.ts)}</td>
                          <td>{m.characteristic}</td>
                          <td>
                            {m.value !== null
                              ? num(m.value)
                              : m.defectives !== null
                                ? `${m.defectives} of ${num(m.n)} defective`
                                : `${m.defects} defects${m.n !== null ? ` in ${num(m.n)}` : ''}`}
                          </td>
                          <td>{m.source}</td>
                          <td>{m.orderId ? `${m.orderId}${m.operationSeq !== null ? ` / ${m.operationSeq}` : ''}` : '—'}</td>
                          <td>{m.equipment ?? '—'}</td>
                          <td>
                            <Verdict ok={m.inSpec} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            )}
          </section>

          <section className="card q-section">
            <Signatures
              recordType={c.recordType}
              recordId={c.lot.id}
              action={c.approval.action}
              meanings={['approval', 'review']}
              readOnly={!canSign}
              reloadKey={c.currentHash}
              onSigned={() => void cert.reload()}
            />
            <p data-testid="coa-approval">
              {c.approval.needed === 0 ? (
                'The signature policy asks for no signature on certificates (coa.sign).'
              ) : (
                <>
                  <Badge tone={c.approval.complete ? 'ok' : 'warn'}>{c.approval.complete ? 'approved' : 'not approved'}</Badge>{' '}
                  {Math.min(c.approval.counted.length, c.approval.needed)} of {c.approval.needed} signature{c.approval.needed === 2 ? 's' : ''} the policy asks
                  for coa.sign{approvalTerms(c.approval)}
                </>
              )}
            </p>
            <p className="muted small">
              A signature binds to this certificate as shown (record hash <code>{c.currentHash.slice(0, 12)}…</code>): a measurement of the lot changed or added
              later shows it as BROKEN here and on the PDF.
            </p>
          </section>
        </>
      )}
    </div>
  );
}

/** " (meaning approval, by quality)", or less, or nothing: what a counting signature must be. */
function approvalTerms(a: Certificate['approval']): string {
  const terms = [a.meaning ? `meaning ${a.meaning}` : '', a.roles.length ? `by ${a.roles.join(' or ')}` : ''].filter(Boolean);
  return terms.length ? ` (${terms.join(', ')})` : '';
}
