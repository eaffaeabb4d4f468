// Plant model → Materials: raw materials, components and finished-goods codes.
import { useState, type FormEvent } from 'react';
import { AUDIT_ENTITIES } from '../audit/entities.ts';
import { canEditPlant, useUser } from '../platform/auth.tsx';
import { ErrorBanner } from '../platform/components.tsx';
import { FormFoot } from '../platform/FormFoot.tsx';
import { errorFor, fieldErrors, orNull, TextAreaField, TextField } from '../platform/forms.tsx';
import { useSubmit } from '../platform/hooks.ts';
import { RecordPage, saveRecord, type FormProps, type RecordPageConfig } from '../platform/RecordPage.tsx';
import type { Material } from '../platform/types.ts';
import { fromRows, PropertiesEditor, toRows, type PropRow } from './PropertiesEditor.tsx';

function MaterialForm({ initial, readOnly, onSaved, onCancel }: FormProps<Material>) {
  const [id, setId] = useState(initial?.id ?? '');
  const [name, setName] = useState(initial?.name ?? '');
  const [unit, setUnit] = useState(initial?.unit ?? 'pcs');
  const [materialClass, setMaterialClass] = useState(initial?.materialClass ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [props, setProps] = useState<PropRow[]>(toRows(initial?.properties));
  const { busy, error, run } = useSubmit();
  const errors = fieldErrors(error);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const body: Record<string, unknown> = {
        name: name.trim(),
        unit: unit.trim(),
        materialClass: orNull(materialClass),
        description,
        properties: fromRows(props),
      };
      if (!initial) body.id = id.trim();
      onSaved(await saveRecord<Material>('/materials', initial?.id, body));
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Material">
      <ErrorBanner error={error} />
      <div className="form-grid">
        <TextField label="Material code" value={id} onValue={setId} readOnly={!!initial || readOnly} error={errors.id} autoCapitalize="none" />
        <TextField label="Name" value={name} onValue={setName} readOnly={readOnly} error={errors.name} />
        <TextField label="Unit" value={unit} onValue={setUnit} readOnly={readOnly} error={errors.unit} hint="e.g. kg, pcs, m" />
        <TextField label="Material class" value={materialClass} onValue={setMaterialClass} readOnly={readOnly} error={errors.materialClass} />
      </div>
      <TextAreaField label="Description" value={description} onValue={setDescription} readOnly={readOnly} rows={2} error={errors.description} />
      <PropertiesEditor rows={props} onChange={setProps} readOnly={readOnly} error={errorFor(errors, 'properties')} />
      {!readOnly && <FormFoot creating={!initial} busy={busy} onCancel={onCancel} />}
    </form>
  );
}

export function MaterialsPage({ selectedId }: { selectedId?: string }) {
  const user = useUser();
  const config: RecordPageConfig<Material> = {
    apiPath: '/materials',
    basePath: '/plant/materials',
    title: 'Materials',
    singular: 'Material',
    entity: AUDIT_ENTITIES.material,
    canEdit: canEditPlant(user),
    toItem: (m) => ({ id: m.id, title: m.name, subtitle: m.id, meta: m.unit }),
    renderForm: (p) => <MaterialForm {...p} />,
    emptyHint: 'Materials are consumed by products through their bill of materials.',
  };
  return <RecordPage config={config} selectedId={selectedId} />;
}
