// "Check due" on the station terminal: the quality checks the characteristics' sampling plans make due at this
// station (GET /api/quality/checks/due, polled), loud when overdue and louder when they block production; the
// operator enters the sample on the big keypad — one value per sample for a variable, the count of defectives or
// defects for an attribute — and it is posted as manual measurements with the operation's context and one
// idempotency key per entry (a retry after a lost answer is the same measurement). docs/quality.md "Sampling and checks due".
import { useCallback, useState } from 'react';
import type { CheckDue } from '../../../src/quality/index.ts';
import { errorMessage } from '../platform/api.ts';
import { TDialog, useAction } from './dialogs.tsx';
import { floorApi, qty, usePoll, useReasons } from './floor.ts';
import { Keypad } from './Keypad.tsx';

const REASON_TEXT: Record<CheckDue['reason'], (c: CheckDue) => string> = {
  parts: (c) => `${qty(c.partsSince)} parts since the last check`,
  time: (c) => `due since ${c.dueSince ? new Date(c.dueSince).toLocaleTimeString() : '–'}`,
  'first-piece': () => 'first piece after setup',
  lot: (c) => `new lot ${c.lot ?? ''}`,
};

export const limitsText = (c: Pick<CheckDue, 'nominal' | 'lsl' | 'usl' | 'unit'>) =>
  [c.nominal !== null ? `nominal ${c.nominal}` : null, c.lsl !== null || c.usl !== null ? `limits ${c.lsl ?? '–'} … ${c.usl ?? '–'}` : null]
    .filter(Boolean)
    .join(' · ') + (c.unit ? ` ${c.unit}` : '');

/** The checks due at a station; `onSaved` reloads the station once a check is entered. */
export function CheckPrompt({ station, onSaved, refreshKey }: { station: string; onSaved(): void; refreshKey: unknown }) {
  const [due, setDue] = useState<CheckDue[]>([]);
  const [open, setOpen] = useState<CheckDue | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setDue(await floorApi<CheckDue[]>('/quality/checks/due', { query: { station } }));
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [station]);
  usePoll(() => void load(), 3000, [load, refreshKey]);
  if (!due.length && !error) return null;
  return (
    <section className="t-checks" data-testid="checks-due" aria-live="polite">
      {error && <div className="t-warn">Checks due could not be read: {error}</div>}
      {due.map((c) => (
        <div
          key={c.characteristic}
          className={`t-check${c.blocking ? ' t-check-block' : c.overdue ? ' t-check-over' : ''}`}
          data-testid={`check-${c.characteristic}`}
        >
          <div className="t-check-text">
            <strong>
              {c.blocking ? 'Check due — production blocked' : c.overdue ? 'Check overdue' : 'Check due'}: {c.name}
            </strong>
            <div>
              {limitsText(c)} · sample of {c.sampleSize} · {REASON_TEXT[c.reason](c)}
            </div>
          </div>
          <button type="button" className="t-btn t-btn-primary" onClick={() => setOpen(c)} aria-label={`Enter check ${c.name}`}>
            Enter check
          </button>
        </div>
      ))}
      {open && (
        <CheckDialog
          check={open}
          onClose={() => setOpen(null)}
          onSaved={async () => {
            await load();
            onSaved();
          }}
        />
      )}
    </section>
  );
}

/** The check's entry: values one by one on the keypad (± for a negative one), or the count of an attribute. */
function CheckDialog({ check: c, onClose, onSaved }: { check: CheckDue; onClose(): void; onSaved(): Promise<void> }) {
  const [entry, setEntry] = useState('');
  const [negative, setNegative] = useState(false);
  const [values, setValues] = useState<number[]>([]);
  // an attribute check's breakdown by defect code (the scrap reasons: one catalogue), tapped once per defect
  const [codes, setCodes] = useState<Record<string, number>>({});
  const defectCodes = useReasons('scrap');
  // one key and one instant per opened entry: a resend after a lost answer is answered as the same measurement
  const [base] = useState(() => ({ key: `terminal-${c.characteristic}-${crypto.randomUUID()}`, ts: new Date().toISOString() }));
  const { busy, run, banner } = useAction(onClose);
  const variable = c.kind === 'variable';
  const need = variable ? c.sampleSize : 1;
  const n = entry === '' ? Number.NaN : (negative ? -1 : 1) * Number(entry);
  const ok = Number.isFinite(n) && (variable || (Number.isInteger(n) && n >= 0 && n <= c.sampleSize));
  const add = () => {
    if (!ok || values.length >= need) return;
    setValues([...values, n]);
    setEntry('');
    setNegative(false);
  };
  const context = { source: 'manual', ts: base.ts, orderId: c.orderId, operationSeq: c.operationSeq, lot: c.lot ?? undefined, equipment: c.equipment };
  const records = () =>
    variable
      ? values.map((value, i) => ({
          key: `${base.key}-${i + 1}`,
          characteristic: c.characteristic,
          value,
          ...(c.chart === 'xbar-r' || c.chart === 'xbar-s' ? { subgroup: base.key } : {}),
          ...context,
        }))
      : [
          {
            key: base.key,
            characteristic: c.characteristic,
            ...(c.chart === 'p' || c.chart === 'np'
              ? { defectives: values[0], n: c.sampleSize }
              : c.chart === 'u'
                ? { defects: values[0], n: c.sampleSize }
                : { defects: values[0] }),
            ...context,
          },
        ];
  const save = () =>
    run(async () => {
      const res = await floorApi<{ refused: number; results: Array<{ reason?: string }> }>('/quality/measurements', {
        method: 'POST',
        body: { records: records() },
      });
      if (res.refused) throw new Error(res.results.find((r) => r.reason)?.reason ?? 'a value was refused');
      await onSaved();
    });
  const out = (v: number) => variable && ((c.lsl !== null && v < c.lsl) || (c.usl !== null && v > c.usl));
  return (
    <TDialog
      title={`Check: ${c.name}`}
      onClose={onClose}
      banner={banner}
      footer={
        <button type="button" className="t-btn t-btn-go t-btn-wide" disabled={values.length < need || busy} onClick={() => void save()}>
          {busy ? 'Saving…' : `Save check (${values.length} of ${need})`}
        </button>
      }
    >
      <div className="t-split">
        <div className="t-check-entry">
          <p className="t-lead">
            {variable ? (
              <>
                Measure {need} part{need === 1 ? '' : 's'}: {limitsText(c)}
              </>
            ) : (
              <>
                Inspect {c.sampleSize} part{c.sampleSize === 1 ? '' : 's'}: enter the{' '}
                {c.chart === 'p' || c.chart === 'np' ? 'defective parts' : 'defects found'}
              </>
            )}
          </p>
          <ol className="t-check-values" data-testid="check-values">
            {values.map((v, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the values are entered in order and never reordered
              <li key={i} className={out(v) ? 't-check-out' : ''}>
                {v} {variable ? (c.unit ?? '') : ''}
                {out(v) ? ' — out of spec' : ''}
              </li>
            ))}
          </ol>
          <div className="t-amount" data-testid="check-amount">
            {negative ? '−' : ''}
            {entry || '0'}
          </div>
          <div className="t-check-actions">
            {variable && (
              <button type="button" className="t-btn" onClick={() => setNegative(!negative)} aria-label="Change sign">
                ±
              </button>
            )}
            <button
              type="button"
              className="t-btn"
              disabled={!values.length || busy}
              onClick={() => {
                setValues(values.slice(0, -1));
                setCodes({});
              }}
            >
              Undo last
            </button>
            <button type="button" className="t-btn t-btn-primary" disabled={!ok || values.length >= need} onClick={add} data-testid="check-add">
              Add value {values.length < need ? values.length + 1 : ''}
            </button>
          </div>
        </div>
        {!variable && values.length === 1 && values[0] > 0 ? (
          <div className="t-check-entry" data-testid="check-defect-codes">
            <p className="t-lead">
              Tap the defect found, once per {c.chart === 'p' || c.chart === 'np' ? 'defective part (a part may have several)' : 'defect'}:
            </p>
            <div className="t-reasons">
              {defectCodes.map((d) => (
                <button key={d.code} type="button" className="t-reason" onClick={() => setCodes({ ...codes, [d.code]: (codes[d.code] ?? 0) + 1 })}>
                  {d.label}
                  {codes[d.code] ? ` × ${codes[d.code]}` : ''}
                </button>
              ))}
            </div>
            <button type="button" className="t-btn" disabled={!Object.keys(codes).length} onClick={() => setCodes({})}>
              Clear defect codes
            </button>
          </div>
        ) : (
          <Keypad label={`Value of ${c.name}`} value={entry} onChange={setEntry} onEnter={add} decimal={variable} maxLength={12} />
        )}
      </div>
    </TDialog>
  );
}
