// Commands to one machine on its live page: Stop and Start (confirmed, with an optional reason) and downloading a
// product's parameter set for the operation this machine runs. The POST waits for the machine's read-back (up to
// ~15 s), so the command shows as pending until the outcome is known. Everyone sees the history; only admins and
// supervisors get the buttons.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, errorMessage } from '../platform/api.ts';
import { hasRole, useUser } from '../platform/auth.tsx';
import { Button, ErrorBanner, Modal, Spinner } from '../platform/components.tsx';
import { SelectField, TextField } from '../platform/forms.tsx';
import { useResource } from '../platform/hooks.ts';
import type { Equipment, Operation, ProcessParameter, Product } from '../platform/types.ts';
import { parseDecimal } from '../connectors/TagsEditor.tsx';
import type { CommandKind, CommandRecord, CommandStatus, Scalar } from '../connectors/types.ts';
import { formatDuration, formatTime, useNow } from './time.ts';

const KIND_LABEL: Record<string, string> = {
  stop: 'Stop',
  start: 'Start',
  writeParameters: 'Download parameters',
  readParameters: 'Read parameters',
};

const STATUS: Record<CommandStatus, { label: string; tone: string }> = {
  pending: { label: 'pending', tone: 'info' },
  confirmed: { label: 'confirmed', tone: 'ok' },
  rejected: { label: 'rejected', tone: 'danger' },
  timed_out: { label: 'timed out', tone: 'warn' },
  failed: { label: 'failed', tone: 'danger' },
};

const HISTORY_REFRESH_MS = 10_000;

export function canCommand(roles: string[]): boolean {
  return roles.includes('admin') || roles.includes('supervisor');
}

function showScalar(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function Values({ values }: { values: Record<string, Scalar> | null | undefined }) {
  if (!values || Object.keys(values).length === 0) return null;
  return (
    <span className="cmd-values">
      {Object.entries(values).map(([k, v]) => (
        <span key={k} className="cmd-value">
          <code>{k}</code> = <strong>{showScalar(v)}</strong>
        </span>
      ))}
    </span>
  );
}

export function StatusBadge({ status }: { status: CommandStatus }) {
  const s = STATUS[status] ?? { label: status, tone: 'neutral' };
  return (
    <span className={`badge badge-${s.tone} cmd-status`} data-status={status}>
      {status === 'pending' && <span className="spinner spinner-sm" aria-hidden="true" />}
      {s.label}
    </span>
  );
}

/** A command sent from this page: pending while the POST waits, then the record the server answers with. */
interface Sent {
  kind: CommandKind;
  parameters?: Record<string, Scalar>;
  startedAt: number;
  record?: CommandRecord;
  error?: unknown;
}

export function CommandsPanel({ eq }: { eq: Equipment }) {
  const user = useUser();
  const allowed = hasRole(user, 'admin', 'supervisor');
  const base = `/equipment/${encodeURIComponent(eq.id)}/commands`;
  const history = useResource<CommandRecord[]>(base);
  const [sent, setSent] = useState<Sent | null>(null);
  const [confirm, setConfirm] = useState<'stop' | 'start' | null>(null);
  const [paramsOpen, setParamsOpen] = useState(false);
  const pending = !!sent && !sent.record && !sent.error;

  // Commands others send show up too: the history refreshes while the page is open.
  const reload = history.reload;
  useEffect(() => {
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') void reload();
    }, HISTORY_REFRESH_MS);
    return () => clearInterval(t);
  }, [reload]);

  const send = useCallback(
    async (kind: CommandKind, extra: { parameters?: Record<string, Scalar>; reason?: string }) => {
      setSent({ kind, parameters: extra.parameters, startedAt: Date.now() });
      // The server records the command as pending before it waits for the machine: show it in the history at once.
      setTimeout(() => void reload(), 400);
      try {
        const record = await api<CommandRecord>(base, {
          method: 'POST',
          body: { command: kind, ...(extra.parameters ? { parameters: extra.parameters } : {}), ...(extra.reason ? { reason: extra.reason } : {}) },
        });
        setSent((s) => (s ? { ...s, record } : s));
      } catch (error) {
        setSent((s) => (s ? { ...s, error } : s));
      } finally {
        void reload();
      }
    },
    [base, reload],
  );

  return (
    <section className="card live-section commands" data-testid="commands-panel" aria-labelledby="commands-title">
      <div className="live-section-head">
        <h2 id="commands-title">Commands</h2>
        {!allowed && <span className="muted small">Sending commands needs the admin or supervisor role.</span>}
      </div>
      {allowed && (
        <div className="cmd-actions">
          <Button variant="danger" className="cmd-stop" disabled={pending} onClick={() => setConfirm('stop')}>
            <span aria-hidden="true">■</span> Stop
          </Button>
          <Button variant="secondary" className="cmd-start" disabled={pending} onClick={() => setConfirm('start')}>
            <span aria-hidden="true">▶</span> Start
          </Button>
          <Button
            variant={paramsOpen ? 'primary' : 'secondary'}
            aria-expanded={paramsOpen}
            aria-controls="param-download"
            onClick={() => setParamsOpen((o) => !o)}
          >
            Download parameter set…
          </Button>
        </div>
      )}
      {sent && <Outcome sent={sent} onDismiss={pending ? undefined : () => setSent(null)} />}
      {allowed && paramsOpen && (
        <ParameterDownload
          eq={eq}
          disabled={pending}
          onSend={(parameters, reason) => void send('writeParameters', { parameters, reason })}
          onClose={() => setParamsOpen(false)}
        />
      )}
      <h3 className="live-sub">History</h3>
      <ErrorBanner error={history.error} onRetry={() => void reload()} />
      {history.data ? (
        <CommandHistory records={history.data} />
      ) : (
        !history.error && <Spinner label="Loading commands…" />
      )}
      {confirm && (
        <ConfirmCommand
          kind={confirm}
          machine={eq.name}
          onClose={() => setConfirm(null)}
          onConfirm={(reason) => {
            setConfirm(null);
            void send(confirm, { reason });
          }}
        />
      )}
    </section>
  );
}

function ConfirmCommand({ kind, machine, onConfirm, onClose }: { kind: 'stop' | 'start'; machine: string; onConfirm(reason: string): void; onClose(): void }) {
  const [reason, setReason] = useState('');
  const verb = kind === 'stop' ? 'Stop' : 'Start';
  return (
    <Modal
      title={`${verb} ${machine}?`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant={kind === 'stop' ? 'danger' : 'primary'} onClick={() => onConfirm(reason.trim())} data-testid="confirm-command">
            {verb} the machine
          </Button>
        </>
      }
    >
      <p className="confirm-message">
        {kind === 'stop'
          ? 'The machine is told to stop over its own protocol. Takt waits until it reports a stopped state.'
          : 'The machine is told to start over its own protocol. Takt waits until it reports that it runs.'}
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm(reason.trim());
        }}
      >
        <TextField label="Reason (optional, kept in the audit trail)" value={reason} onValue={setReason} maxLength={1000} />
      </form>
    </Modal>
  );
}

function Outcome({ sent, onDismiss }: { sent: Sent; onDismiss?: () => void }) {
  const now = useNow();
  const r = sent.record;
  const status: CommandStatus = r ? r.status : sent.error ? 'failed' : 'pending';
  const denied = sent.error instanceof ApiError && sent.error.status === 403;
  return (
    <div className={`cmd-outcome cmd-outcome-${status}`} data-testid="command-outcome" data-status={status} role="status" aria-live="polite">
      <div className="cmd-outcome-head">
        <strong>{KIND_LABEL[sent.kind] ?? sent.kind}</strong>
        <StatusBadge status={status} />
        {status === 'pending' && <span className="muted">waiting for the machine's read-back… {formatDuration(now - sent.startedAt)}</span>}
        {onDismiss && (
          <button type="button" className="icon-btn cmd-dismiss" aria-label="Dismiss" onClick={onDismiss}>
            ×
          </button>
        )}
      </div>
      {sent.parameters && status === 'pending' && (
        <div className="small">
          Sent: <Values values={sent.parameters} />
        </div>
      )}
      {r?.status === 'confirmed' && (
        <div>
          The machine confirmed it{r.readBack && Object.keys(r.readBack).length ? ' — read back: ' : '.'}
          <Values values={r.readBack} />
        </div>
      )}
      {r?.status === 'rejected' && (
        <div>
          The machine refused: <strong>{r.detail ?? 'no reason given'}</strong>
        </div>
      )}
      {r?.status === 'timed_out' && (
        <div>
          No confirmation from the machine{r.detail ? ` (${r.detail})` : ''}. It may still carry the command out — check its state before
          trying again.
          {r.readBack && Object.keys(r.readBack).length > 0 && (
            <>
              {' '}
              Read back so far: <Values values={r.readBack} />
            </>
          )}
        </div>
      )}
      {r?.status === 'failed' && <div>Not sent: {r.detail ?? 'unknown error'}</div>}
      {sent.error !== undefined && (
        <div>{denied ? 'Sending commands needs the admin or supervisor role.' : `Not sent: ${errorMessage(sent.error)}`}</div>
      )}
    </div>
  );
}

export function CommandHistory({ records }: { records: CommandRecord[] }) {
  if (records.length === 0) return <p className="muted">No commands were sent to this machine yet.</p>;
  return (
    <div className="table-scroll">
      <table className="table cmd-table" data-testid="command-history">
        <thead>
          <tr>
            <th>Requested</th>
            <th>Command</th>
            <th>Status</th>
            <th>Outcome</th>
            <th>By</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {records.map((c) => (
            <tr key={c.id} data-kind={c.kind} data-status={c.status}>
              <td className="nowrap">
                {formatTime(c.requestedAt)}
                <div className="muted small">{new Date(c.requestedAt).toLocaleDateString()}</div>
              </td>
              <td>
                <strong>{KIND_LABEL[c.kind] ?? c.kind}</strong>
                <span className="muted small"> · {c.protocol}</span>
                {c.parameters && (
                  <div className="small">
                    <Values values={c.parameters} />
                  </div>
                )}
              </td>
              <td>
                <StatusBadge status={c.status} />
                {c.completedAt && (
                  <div className="muted small nowrap">after {formatDuration(new Date(c.completedAt).getTime() - new Date(c.requestedAt).getTime())}</div>
                )}
              </td>
              <td className="cmd-detail">
                {c.detail && <div>{c.detail}</div>}
                {c.readBack && Object.keys(c.readBack).length > 0 && (
                  <div className="small">
                    read back: <Values values={c.readBack} />
                  </div>
                )}
              </td>
              <td>{c.requestedBy}</td>
              <td>{c.reason ?? <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** An operation of a product's routing that can run on this machine. */
interface Candidate {
  key: string;
  product: Product;
  op: Operation;
}

export function candidatesFor(eq: Equipment, products: Product[]): Candidate[] {
  const out: Candidate[] = [];
  for (const product of products)
    for (const op of product.routing ?? [])
      if (op.workCenter === eq.path || (eq.equipmentClass && op.equipmentClass === eq.equipmentClass))
        out.push({ key: `${product.id}\u0000${op.seq}`, product, op });
  return out.sort((a, b) => a.product.id.localeCompare(b.product.id) || a.op.seq - b.op.seq);
}

type ParamKind = 'number' | 'boolean' | 'string';
const kindOf = (p: ProcessParameter): ParamKind =>
  typeof p.target === 'boolean' ? 'boolean' : typeof p.target === 'number' || p.min !== undefined || p.max !== undefined ? 'number' : 'string';

/** The value to send for a parameter, or the reason it cannot be sent. */
export function checkParameter(p: ProcessParameter, text: string): { value?: Scalar; error?: string } {
  const kind = kindOf(p);
  if (kind === 'boolean') return { value: text === 'true' };
  if (kind === 'string') return text.trim() === '' ? { error: 'enter a value' } : { value: text };
  if (text.trim() === '') return { error: 'enter a value' };
  const n = parseDecimal(text);
  if (!Number.isFinite(n)) return { error: 'not a number' };
  const unit = p.unit ? ` ${p.unit}` : '';
  if (p.min !== undefined && n < p.min) return { error: `below the minimum ${p.min}${unit}` };
  if (p.max !== undefined && n > p.max) return { error: `above the maximum ${p.max}${unit}` };
  return { value: n };
}

function ParameterDownload({
  eq,
  disabled,
  onSend,
  onClose,
}: {
  eq: Equipment;
  disabled: boolean;
  onSend(parameters: Record<string, Scalar>, reason: string): void;
  onClose(): void;
}) {
  const products = useResource<Product[]>('/products');
  const candidates = useMemo(() => candidatesFor(eq, products.data ?? []), [eq, products.data]);
  const [key, setKey] = useState('');
  const chosen = candidates.find((c) => c.key === key) ?? (candidates.length === 1 ? candidates[0] : undefined);
  const params = chosen?.op.parameters ?? [];
  const [values, setValues] = useState<Record<string, string>>({});
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const loadedFor = useRef<string | null>(null);

  // Targets are filled in whenever another operation is picked.
  useEffect(() => {
    if (!chosen || loadedFor.current === chosen.key) return;
    loadedFor.current = chosen.key;
    const next: Record<string, string> = {};
    for (const p of chosen.op.parameters ?? []) next[p.name] = p.target === undefined ? '' : String(p.target);
    setValues(next);
    setTried(false);
  }, [chosen]);

  const checked = params.map((p) => ({ p, ...checkParameter(p, values[p.name] ?? '') }));
  const invalid = checked.some((c) => c.error);

  const submit = () => {
    setTried(true);
    if (!chosen || invalid || params.length === 0) return;
    const out: Record<string, Scalar> = {};
    for (const c of checked) out[c.p.name] = c.value!;
    const why = reason.trim() || `${chosen.product.id} op ${chosen.op.seq}`;
    onSend(out, why);
  };

  return (
    <div className="param-download" id="param-download" data-testid="param-download">
      <div className="param-download-head">
        <h3>Download parameter set</h3>
        <button type="button" className="icon-btn" aria-label="Close the parameter download" onClick={onClose}>
          ×
        </button>
      </div>
      <ErrorBanner error={products.error} onRetry={() => void products.reload()} />
      {products.loading && !products.data ? (
        <Spinner label="Loading products…" />
      ) : candidates.length === 0 ? (
        <p className="muted">
          No product's routing runs on this machine: an operation needs work centre <code>{eq.path}</code>
          {eq.equipmentClass ? (
            <>
              {' '}
              or equipment class <code>{eq.equipmentClass}</code>
            </>
          ) : null}
          .
        </p>
      ) : (
        <form
          className="form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <SelectField
            label="Product and operation"
            value={chosen?.key ?? ''}
            onValue={setKey}
            placeholder={candidates.length === 1 ? undefined : 'Choose…'}
            options={candidates.map((c) => ({
              value: c.key,
              label: `${c.product.id} — ${c.product.name} · op ${c.op.seq} ${c.op.name}`,
            }))}
            className="param-product"
          />
          {chosen && params.length === 0 && <p className="muted">This operation has no process parameters.</p>}
          {chosen && params.length > 0 && (
            <div className="table-scroll">
              <table className="table param-table" data-testid="param-table">
                <thead>
                  <tr>
                    <th>Parameter</th>
                    <th>Value</th>
                    <th>Target</th>
                    <th>Min</th>
                    <th>Max</th>
                    <th>Unit</th>
                  </tr>
                </thead>
                <tbody>
                  {checked.map(({ p, error }) => {
                    const id = `param-${p.name}`;
                    const show = error && (tried || (values[p.name] ?? '') !== String(p.target ?? ''));
                    const kind = kindOf(p);
                    return (
                      <tr key={p.name} className={show ? 'has-error' : undefined}>
                        <th scope="row">
                          <label htmlFor={id}>
                            <code>{p.name}</code>
                          </label>
                        </th>
                        <td className="param-input">
                          {kind === 'boolean' ? (
                            <select id={id} value={values[p.name] ?? 'false'} onChange={(e) => setValues((v) => ({ ...v, [p.name]: e.target.value }))}>
                              <option value="true">true</option>
                              <option value="false">false</option>
                            </select>
                          ) : (
                            <input
                              id={id}
                              inputMode={kind === 'number' ? 'decimal' : undefined}
                              value={values[p.name] ?? ''}
                              aria-invalid={show ? true : undefined}
                              aria-describedby={show ? `${id}-err` : undefined}
                              onChange={(e) => setValues((v) => ({ ...v, [p.name]: e.target.value }))}
                            />
                          )}
                          {show && (
                            <div className="field-error" id={`${id}-err`} role="alert">
                              {error}
                            </div>
                          )}
                        </td>
                        <td className="num">{p.target === undefined ? '—' : String(p.target)}</td>
                        <td className="num">{p.min ?? '—'}</td>
                        <td className="num">{p.max ?? '—'}</td>
                        <td>{p.unit ?? ''}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          {chosen && params.length > 0 && (
            <div className="form-foot">
              <TextField
                label="Reason (optional, kept in the audit trail)"
                value={reason}
                onValue={setReason}
                placeholder={`${chosen.product.id} op ${chosen.op.seq}`}
                className="grow"
              />
              <div className="form-buttons">
                <Button type="submit" variant="primary" disabled={disabled || (tried && invalid)}>
                  Send to machine
                </Button>
              </div>
            </div>
          )}
        </form>
      )}
    </div>
  );
}
