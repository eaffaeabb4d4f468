// Editors for a calendar's shifts (with breaks), planned downtime windows and holidays.
import { Button } from '../platform/components.tsx';
import { ChipGroup, errorFor, TextField, type FieldErrors } from '../platform/forms.tsx';
import { fromLocalInput, isTimeZone, toLocalInput } from '../platform/format.ts';
import type { Break, PlannedDowntime, Shift } from '../platform/types.ts';

const DAYS = [
  { value: 1, label: 'Mon' },
  { value: 2, label: 'Tue' },
  { value: 3, label: 'Wed' },
  { value: 4, label: 'Thu' },
  { value: 5, label: 'Fri' },
  { value: 6, label: 'Sat' },
  { value: 7, label: 'Sun' },
];

export function ShiftsEditor({ shifts, onChange, readOnly, errors }: { shifts: Shift[]; onChange(s: Shift[]): void; readOnly: boolean; errors: FieldErrors }) {
  const set = (i: number, patch: Partial<Shift>) => onChange(shifts.map((s, n) => (n === i ? { ...s, ...patch } : s)));
  const setBreak = (i: number, b: number, patch: Partial<Break>) => set(i, { breaks: shifts[i].breaks.map((x, n) => (n === b ? { ...x, ...patch } : x)) });
  return (
    <section aria-label="Shifts">
      <div className="section-head">
        <h3>Shifts</h3>
        {!readOnly && (
          <Button variant="ghost" onClick={() => onChange([...shifts, { name: '', start: '06:00', end: '14:00', days: [1, 2, 3, 4, 5], breaks: [] }])}>
            + Add shift
          </Button>
        )}
      </div>
      {errors.shifts && <div className="field-error">{errors.shifts}</div>}
      {shifts.length === 0 && <div className="muted small">No shifts: the equipment using this calendar is never scheduled.</div>}
      <ol className="op-list">
        {shifts.map((s, i) => (
          <li key={i} className="op-card">
            <div className="op-head">
              <span className="op-name">{s.name || 'New shift'}</span>
              <span className="muted small">
                {s.start}–{s.end}
              </span>
              {!readOnly && (
                <span className="op-tools">
                  <button type="button" className="icon-btn" aria-label={`Remove shift ${s.name}`} onClick={() => onChange(shifts.filter((_, n) => n !== i))}>
                    ×
                  </button>
                </span>
              )}
            </div>
            <div className="form-grid">
              <TextField label="Shift name" value={s.name} onValue={(v) => set(i, { name: v })} readOnly={readOnly} error={errors[`shifts.${i}.name`]} />
              <TextField
                label="Start"
                type="time"
                value={s.start}
                onValue={(v) => set(i, { start: v })}
                readOnly={readOnly}
                error={errors[`shifts.${i}.start`]}
              />
              <TextField
                label="End"
                type="time"
                value={s.end}
                onValue={(v) => set(i, { end: v })}
                readOnly={readOnly}
                error={errors[`shifts.${i}.end`]}
                hint={s.end <= s.start ? 'Ends the next day' : undefined}
              />
            </div>
            <ChipGroup
              label="Days"
              options={DAYS}
              value={s.days}
              onChange={(days) => set(i, { days: [...days].sort() })}
              disabled={readOnly}
              error={errorFor(errors, `shifts.${i}.days`)}
            />
            <fieldset className="field">
              <legend>Breaks</legend>
              {s.breaks.map((b, k) => (
                <div key={k} className="inline-row">
                  <input
                    aria-label={`Break ${k + 1} name`}
                    placeholder="Name"
                    value={b.name ?? ''}
                    readOnly={readOnly}
                    onChange={(e) => setBreak(i, k, { name: e.target.value })}
                  />
                  <input
                    aria-label={`Break ${k + 1} start`}
                    type="time"
                    value={b.start}
                    readOnly={readOnly}
                    onChange={(e) => setBreak(i, k, { start: e.target.value })}
                  />
                  <input
                    aria-label={`Break ${k + 1} end`}
                    type="time"
                    value={b.end}
                    readOnly={readOnly}
                    onChange={(e) => setBreak(i, k, { end: e.target.value })}
                  />
                  {!readOnly && (
                    <button
                      type="button"
                      className="icon-btn"
                      aria-label={`Remove break ${k + 1}`}
                      onClick={() => set(i, { breaks: s.breaks.filter((_, n) => n !== k) })}
                    >
                      ×
                    </button>
                  )}
                </div>
              ))}
              {!readOnly && (
                <Button variant="ghost" onClick={() => set(i, { breaks: [...s.breaks, { name: 'Break', start: '10:00', end: '10:15' }] })}>
                  + Add break
                </Button>
              )}
              {errorFor(errors, `shifts.${i}.breaks`) && <div className="field-error">{errorFor(errors, `shifts.${i}.breaks`)}</div>}
            </fieldset>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Planned downtime windows, shown and entered in the calendar's own time zone (not the browser's). */
export function DowntimeEditor({
  items,
  onChange,
  readOnly,
  errors,
  timeZone,
}: {
  items: PlannedDowntime[];
  onChange(d: PlannedDowntime[]): void;
  readOnly: boolean;
  errors: FieldErrors;
  timeZone: string;
}) {
  const zone = isTimeZone(timeZone) ? timeZone : undefined;
  const set = (i: number, patch: Partial<PlannedDowntime>) => onChange(items.map((d, n) => (n === i ? { ...d, ...patch } : d)));
  return (
    <section aria-label="Planned downtime">
      <div className="section-head">
        <h3>Planned downtime</h3>
        <span className="muted small" data-testid="downtime-zone">
          {zone
            ? `times in ${zone}, the calendar's time zone`
            : `times in this browser's zone: ${timeZone ? `'${timeZone}' is not a time zone` : 'no time zone given'}`}
        </span>
        {!readOnly && (
          <Button variant="ghost" onClick={() => onChange([...items, { from: '', to: '', reason: '' }])}>
            + Add window
          </Button>
        )}
      </div>
      {items.length === 0 && <div className="muted small">None planned.</div>}
      {items.map((d, i) => (
        <div key={i} className="form-grid downtime-row">
          <TextField
            label="From"
            type="datetime-local"
            value={toLocalInput(d.from, zone)}
            onValue={(v) => set(i, { from: fromLocalInput(v, zone) })}
            readOnly={readOnly}
            error={errors[`plannedDowntime.${i}.from`]}
          />
          <TextField
            label="To"
            type="datetime-local"
            value={toLocalInput(d.to, zone)}
            onValue={(v) => set(i, { to: fromLocalInput(v, zone) })}
            readOnly={readOnly}
            error={errors[`plannedDowntime.${i}.to`]}
          />
          <TextField label="Reason" value={d.reason} onValue={(v) => set(i, { reason: v })} readOnly={readOnly} error={errors[`plannedDowntime.${i}.reason`]} />
          <TextField
            label="Equipment path (optional)"
            value={d.equipmentPath ?? ''}
            onValue={(v) => set(i, { equipmentPath: v || undefined })}
            readOnly={readOnly}
            error={errors[`plannedDowntime.${i}.equipmentPath`]}
          />
          {!readOnly && (
            <div className="row-end">
              <Button variant="ghost" onClick={() => onChange(items.filter((_, n) => n !== i))}>
                Remove
              </Button>
            </div>
          )}
        </div>
      ))}
    </section>
  );
}

export function HolidaysEditor({ days, onChange, readOnly, error }: { days: string[]; onChange(d: string[]): void; readOnly: boolean; error?: string }) {
  return (
    <section aria-label="Holidays">
      <div className="section-head">
        <h3>Holidays</h3>
        {!readOnly && (
          <Button variant="ghost" onClick={() => onChange([...days, ''])}>
            + Add holiday
          </Button>
        )}
      </div>
      {days.length === 0 && <div className="muted small">No holidays.</div>}
      <div className="chips">
        {days.map((d, i) => (
          <span key={i} className="inline-row">
            <input
              type="date"
              aria-label={`Holiday ${i + 1}`}
              value={d}
              readOnly={readOnly}
              onChange={(e) => onChange(days.map((x, n) => (n === i ? e.target.value : x)))}
            />
            {!readOnly && (
              <button type="button" className="icon-btn" aria-label={`Remove holiday ${i + 1}`} onClick={() => onChange(days.filter((_, n) => n !== i))}>
                ×
              </button>
            )}
          </span>
        ))}
      </div>
      {error && <div className="field-error">{error}</div>}
    </section>
  );
}
