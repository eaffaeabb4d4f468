// /quality/ncrs/<id>: one nonconformance — what, where, defects, photos — its dispositions with the dialog that books
// one, its signatures (the shared Signatures component, action ncr.close: valid or broken) and "Close", which the
// server refuses with 409 signature_required until a quality signature is valid on the NCR as it is now.
import { useState } from 'react';
import { api } from '../../platform/api.ts';
import { Badge, Button, ErrorBanner, Modal, PageHeader, Spinner } from '../../platform/components.tsx';
import { formatDateTime } from '../../platform/format.ts';
import { errorFor, fieldErrors, SelectField, TextField } from '../../platform/forms.tsx';
import { useResource, useSubmit } from '../../platform/hooks.ts';
import { Link } from '../../platform/router.tsx';
import { Signatures } from '../../platform/Signatures.tsx';
import { DISPOSITION_LABEL, NCR_STATUS_LABEL, NCR_STATUS_TONE, SOURCE_LABEL, type Ncr } from './types.ts';

export function NcrDetail({ id }: { id: string }) {
  const ncr = useResource<Ncr>(`/quality/ncrs/${id}`);
  const [dialog, setDialog] = useState<'disposition' | 'close' | 'cancel' | null>(null);
  const [version, setVersion] = useState(0);
  const photo = useSubmit();
  const changed = () => {
    setDialog(null);
    setVersion((v) => v + 1);
    void ncr.reload();
  };
  const n = ncr.data;
  if (!n) return <div className="page">{ncr.error ? <ErrorBanner error={ncr.error} onRetry={() => void ncr.reload()} /> : <Spinner />}</div>;
  const live = n.status === 'open' || n.status === 'dispositioned';
  const upload = (file: File) =>
    photo.run(async () => {
      await api(`/quality/ncrs/${id}/photos`, { method: 'POST', body: file, contentType: file.type || 'application/octet-stream', query: { name: file.name } });
      changed();
    });
  return (
    <div className="page" data-testid="ncr-detail">
      <PageHeader
        title={
          <>
            {n.id}: {n.title}{' '}
            <Badge tone={NCR_STATUS_TONE[n.status]}>
              <span data-testid="ncr-status">{NCR_STATUS_LABEL[n.status]}</span>
            </Badge>
          </>
        }
        subtitle={<Link to="/quality/ncrs">All nonconformances</Link>}
        actions={
          <>
            {live && (
              <Button variant="primary" onClick={() => setDialog('disposition')}>
                Disposition
              </Button>
            )}
            {n.status === 'dispositioned' && <Button onClick={() => setDialog('close')}>Close</Button>}
            {n.status === 'open' && <Button onClick={() => setDialog('cancel')}>Cancel NCR</Button>}
          </>
        }
      />
      <section className="card q-section">
        <dl className="q-facts">
          <dt>Source</dt>
          <dd>
            {SOURCE_LABEL[n.source]}
            {n.sourceRef ? ` (${n.sourceRef})` : ''}
          </dd>
          <dt>Where</dt>
          <dd>{[n.orderId && `order ${n.orderId}${n.operationSeq ? `/${n.operationSeq}` : ''}`, n.equipment].filter(Boolean).join(' · ') || '—'}</dd>
          <dt>Lots</dt>
          <dd>{n.lots.map((l) => `${l.lot}${l.quantity !== null ? ` (${l.quantity})` : ''}`).join(', ') || '—'}</dd>
          <dt>Defect codes</dt>
          <dd>{n.defectCodes.join(', ') || '—'}</dd>
          <dt>Quantity affected</dt>
          <dd>{n.quantity ?? '—'}</dd>
          {n.characteristic && (
            <>
              <dt>Check</dt>
              <dd>
                <Link to={`/quality/characteristics/${n.characteristic}`}>{n.characteristic}</Link>
                {n.value !== null ? ` = ${n.value}` : ''}
              </dd>
            </>
          )}
          <dt>Opened</dt>
          <dd>
            {formatDateTime(n.createdAt)} by {n.createdBy}
          </dd>
          {n.closedAt && (
            <>
              <dt>{n.status === 'closed' ? 'Closed' : 'Cancelled'}</dt>
              <dd>
                {formatDateTime(n.closedAt)} by {n.closedBy}
                {n.statusReason ? `: ${n.statusReason}` : ''}
              </dd>
            </>
          )}
        </dl>
        {n.description && <p className="q-description">{n.description}</p>}
      </section>

      <section className="card q-section" data-testid="ncr-dispositions">
        <h2>Dispositions</h2>
        {n.dispositions.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Decision</th>
                <th>Lot</th>
                <th>Quantity</th>
                <th>Booked</th>
                <th>Reason</th>
                <th>By</th>
                <th>When</th>
              </tr>
            </thead>
            <tbody>
              {n.dispositions.map((d) => (
                <tr key={d.id}>
                  <td>{DISPOSITION_LABEL[d.kind]}</td>
                  <td>{d.lot ?? '—'}</td>
                  <td>{d.quantity}</td>
                  <td>{d.kind === 'rework' && d.orderId ? `operation ${d.orderId}/${d.operationSeq}` : ''}</td>
                  <td>{d.reason}</td>
                  <td>{d.createdBy}</td>
                  <td>{formatDateTime(d.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card q-section">
        <h2>Photos</h2>
        <ErrorBanner error={photo.error} />
        <div className="q-photos">
          {n.photos.map((p) => (
            <a key={p.id} href={`/api/quality/ncrs/${n.id}/photos/${p.id}`} target="_blank" rel="noreferrer">
              <img src={`/api/quality/ncrs/${n.id}/photos/${p.id}`} alt={p.name} height={96} />
            </a>
          ))}
          {n.photos.length === 0 && <p className="muted">No photos.</p>}
        </div>
        {live && (
          <label className="btn btn-secondary">
            Add photo
            <input
              type="file"
              accept="image/png,image/jpeg,image/gif,image/webp"
              hidden
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) void upload(file);
                e.target.value = '';
              }}
            />
          </label>
        )}
      </section>

      <Signatures recordType="ncr" recordId={n.id} action="ncr.close" meanings={['approval', 'review']} readOnly={!live} reloadKey={version} />

      {dialog === 'disposition' && <DispositionDialog ncr={n} onClose={() => setDialog(null)} onDone={changed} />}
      {dialog === 'close' && <ReasonDialog ncr={n} verb="close" onClose={() => setDialog(null)} onDone={changed} />}
      {dialog === 'cancel' && <ReasonDialog ncr={n} verb="cancel" onClose={() => setDialog(null)} onDone={changed} />}
    </div>
  );
}

function DispositionDialog({ ncr, onClose, onDone }: { ncr: Ncr; onClose(): void; onDone(): void }) {
  const [f, setF] = useState({ kind: 'scrap', lot: ncr.lots[0]?.lot ?? '', quantity: '', reason: '' });
  const save = useSubmit();
  const errors = fieldErrors(save.error);
  const needsLot = f.kind === 'scrap' || f.kind === 'return_to_supplier';
  const submit = () =>
    save.run(async () => {
      const q = f.quantity.trim();
      await api(`/quality/ncrs/${ncr.id}/dispositions`, {
        method: 'POST',
        body: { kind: f.kind, lot: f.lot || null, quantity: Number.isFinite(Number(q)) && q !== '' ? Number(q) : q, reason: f.reason.trim() },
      });
      onDone();
    });
  return (
    <Modal
      title={`Disposition ${ncr.id}`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form="disposition-form" busy={save.busy}>
            Book disposition
          </Button>
        </>
      }
    >
      <form
        id="disposition-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <ErrorBanner error={save.error} />
        <SelectField
          label="Decision"
          value={f.kind}
          options={Object.entries(DISPOSITION_LABEL).map(([value, label]) => ({ value, label }))}
          onValue={(kind) => setF((x) => ({ ...x, kind }))}
        />
        <SelectField
          label="Lot"
          value={f.lot}
          placeholder={needsLot ? undefined : 'No lot'}
          options={ncr.lots.map((l) => ({ value: l.lot, label: l.lot }))}
          onValue={(lot) => setF((x) => ({ ...x, lot }))}
          error={errorFor(errors, 'lot')}
        />
        <TextField
          label="Quantity"
          value={f.quantity}
          inputMode="decimal"
          onValue={(quantity) => setF((x) => ({ ...x, quantity }))}
          error={errorFor(errors, 'quantity')}
          required
        />
        <TextField
          label="Reason"
          value={f.reason}
          onValue={(reason) => setF((x) => ({ ...x, reason }))}
          error={errorFor(errors, 'reason')}
          required
          maxLength={1000}
        />
        {f.kind === 'rework' && <p className="muted">A rework operation is added to order {ncr.orderId ?? '(none: the NCR names no order)'}.</p>}
        {f.kind === 'use_as_is' && <p className="muted">A held lot is released with this reason.</p>}
      </form>
    </Modal>
  );
}

function ReasonDialog({ ncr, verb, onClose, onDone }: { ncr: Ncr; verb: 'close' | 'cancel'; onClose(): void; onDone(): void }) {
  const [reason, setReason] = useState('');
  const save = useSubmit();
  const submit = () =>
    save.run(async () => {
      await api(`/quality/ncrs/${ncr.id}/${verb}`, { method: 'POST', body: reason.trim() ? { reason: reason.trim() } : {} });
      onDone();
    });
  return (
    <Modal
      title={verb === 'close' ? `Close ${ncr.id}` : `Cancel ${ncr.id}`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Back</Button>
          <Button variant="primary" type="submit" form="ncr-reason-form" busy={save.busy}>
            {verb === 'close' ? 'Close NCR' : 'Cancel NCR'}
          </Button>
        </>
      }
    >
      <form
        id="ncr-reason-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <ErrorBanner error={save.error} />
        {verb === 'close' && (
          <p className="muted">Closing needs a valid quality signature (approval) on the NCR as it is now: sign it first under Signatures.</p>
        )}
        <TextField label="Reason" value={reason} onValue={setReason} required={verb === 'cancel'} maxLength={1000} />
      </form>
    </Modal>
  );
}
