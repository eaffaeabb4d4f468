// The form of a EUROMAP 63 connection: the machine's session folder, timing, and which report variables become tags.
import { TextAreaField, TextField } from '../platform/forms.tsx';
import { kvEditor, type FieldsContext } from './ConnectionRows.tsx';
import type { Euromap63Draft } from './connectionDrafts.ts';

/** Called during the card's render, not mounted as a component: see `FieldsContext`. */
export function euromap63Fields(d: Euromap63Draft, ctx: FieldsContext) {
  const { index, readOnly, errors, used, err, set } = ctx;
  return (
    <>
      <div className="form-grid">
        <TextField
          label="Session folder"
          value={d.sessionDir}
          onValue={(v) => set({ sessionDir: v })}
          readOnly={readOnly}
          error={err('sessionDir')}
          spellCheck={false}
          placeholder="/mnt/imm01/session"
          hint="The machine's shared folder where Takt writes SESSnnnn.REQ and job files."
          className="span-2"
        />
        <TextField
          label="Machine time zone"
          value={d.timezone}
          onValue={(v) => set({ timezone: v })}
          readOnly={readOnly}
          error={err('timezone')}
          hint="EUROMAP 63 dates carry no offset, e.g. Europe/Berlin."
        />
        <TextField
          label="Response timeout (s)"
          inputMode="decimal"
          value={d.responseTimeoutS}
          onValue={(v) => set({ responseTimeoutS: v })}
          readOnly={readOnly}
          error={err('responseTimeoutS')}
        />
        <TextField
          label="Poll interval (ms)"
          inputMode="numeric"
          value={d.pollIntervalMs}
          onValue={(v) => set({ pollIntervalMs: v })}
          readOnly={readOnly}
          error={err('pollIntervalMs')}
        />
        <TextField
          label="Stale after (s)"
          inputMode="numeric"
          value={d.staleAfterS}
          onValue={(v) => set({ staleAfterS: v })}
          readOnly={readOnly}
          error={err('staleAfterS')}
          hint="No heartbeat or report for this long: shown stale, jobs sent again."
        />
      </div>
      <TextAreaField
        label="Report parameters (optional)"
        value={d.reportParameters}
        onValue={(v) => set({ reportParameters: v })}
        readOnly={readOnly}
        rows={2}
        className="mono"
        error={err('reportParameters') ?? Object.entries(errors).find(([k]) => k.startsWith(`${index}.reportParameters.`) && used.add(k))?.[1]}
        hint="Variables of the per-shot report, separated by commas; empty: ActCntCyc, ActTimCyc and the mapped values."
      />
      {kvEditor(
        ctx,
        'mapping',
        d.mapping,
        'Variable mapping',
        'EUROMAP 63 variable',
        'Tag',
        'ActCntCyc → good and ActTimCyc → cycle_time unless mapped here.',
        'Add variable',
      )}
    </>
  );
}
