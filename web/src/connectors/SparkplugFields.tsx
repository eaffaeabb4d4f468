// The form of a Sparkplug B connection: where its edge node publishes, and which metrics become which tags.
import { TextField } from '../platform/forms.tsx';
import { kvEditor, type FieldsContext } from './ConnectionRows.tsx';
import type { SparkplugDraft } from './connectionDrafts.ts';

/** Called during the card's render, not mounted as a component: see `FieldsContext`. */
export function sparkplugFields(d: SparkplugDraft, ctx: FieldsContext) {
  const { readOnly, err, set } = ctx;
  return (
    <>
      <div className="form-grid">
        <TextField label="Group" value={d.group} onValue={(v) => set({ group: v })} readOnly={readOnly} error={err('group')} autoCapitalize="none" />
        <TextField label="Edge node" value={d.node} onValue={(v) => set({ node: v })} readOnly={readOnly} error={err('node')} autoCapitalize="none" />
        <TextField
          label="Device (optional)"
          value={d.device}
          onValue={(v) => set({ device: v })}
          readOnly={readOnly}
          error={err('device')}
          autoCapitalize="none"
          hint="Empty: the edge node itself is the machine."
        />
      </div>
      {kvEditor(
        ctx,
        'metrics',
        d.metrics,
        'Metric names',
        'Metric',
        'Tag',
        "Unlisted metrics become the tag of the same name, with '/' and spaces turned into '.'.",
        'Add metric',
      )}
    </>
  );
}
