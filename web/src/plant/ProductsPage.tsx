// Plant model → Products & routings.
import { useState, type FormEvent } from 'react';
import { AUDIT_ENTITIES } from '../audit/entities.ts';
import { canEditPlant, useUser } from '../platform/auth.tsx';
import { ErrorBanner } from '../platform/components.tsx';
import { FormFoot } from '../platform/FormFoot.tsx';
import { fieldErrors, orNull, SelectField, TextAreaField, TextField } from '../platform/forms.tsx';
import { useResource, useSubmit } from '../platform/hooks.ts';
import { RecordPage, saveRecord, type FormProps, type RecordPageConfig } from '../platform/RecordPage.tsx';
import type { Equipment, EquipmentClass, Material, Product } from '../platform/types.ts';
import { RoutingEditor } from './RoutingEditor.tsx';
import { fromDraft, toDraft, type OpDraft } from './routingDraft.ts';

const ROUTABLE = new Set(['line', 'workCenter', 'cell', 'machine']);

function ProductForm({ initial, readOnly, onSaved, onCancel }: FormProps<Product>) {
  const equipment = useResource<Equipment[]>('/equipment');
  const classes = useResource<EquipmentClass[]>('/equipment-classes');
  const materials = useResource<Material[]>('/materials');
  const [id, setId] = useState(initial?.id ?? '');
  const [name, setName] = useState(initial?.name ?? '');
  const [unit, setUnit] = useState(initial?.unit ?? 'pcs');
  const [family, setFamily] = useState(initial?.family ?? '');
  const [materialId, setMaterialId] = useState(initial?.materialId ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [ops, setOps] = useState<OpDraft[]>(() => toDraft(initial?.routing));
  const { busy, error, run } = useSubmit();
  const errors = fieldErrors(error);

  const materialOptions = (materials.data ?? []).map((m) => ({ value: m.id, label: `${m.id} — ${m.name}` }));
  const choices = {
    workCenters: (equipment.data ?? [])
      .filter((e) => ROUTABLE.has(e.level))
      .sort((a, b) => a.path.localeCompare(b.path))
      .map((e) => ({ value: e.path, label: `${e.path} (${e.name})` })),
    classes: (classes.data ?? []).map((c) => ({ value: c.id, label: c.name })),
    materials: materialOptions,
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const body: Record<string, unknown> = {
        name: name.trim(),
        unit: unit.trim(),
        family: orNull(family),
        materialId: orNull(materialId),
        description,
        routing: fromDraft(ops),
      };
      if (!initial) body.id = id.trim();
      onSaved(await saveRecord<Product>('/products', initial?.id, body));
    });
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Product">
      <ErrorBanner error={error} />
      <div className="form-grid">
        <TextField label="Product code" value={id} onValue={setId} readOnly={!!initial || readOnly} error={errors.id} autoCapitalize="none" />
        <TextField label="Name" value={name} onValue={setName} readOnly={readOnly} error={errors.name} />
        <TextField label="Unit" value={unit} onValue={setUnit} readOnly={readOnly} error={errors.unit} />
        <TextField label="Family" value={family} onValue={setFamily} readOnly={readOnly} error={errors.family} hint="Products of a family share setups" />
        <SelectField
          label="Produced material"
          value={materialId}
          onValue={setMaterialId}
          disabled={readOnly}
          placeholder="None"
          options={materialOptions}
          error={errors.materialId}
        />
      </div>
      <TextAreaField label="Description" value={description} onValue={setDescription} readOnly={readOnly} rows={2} error={errors.description} />
      <RoutingEditor ops={ops} onChange={setOps} readOnly={readOnly} errors={errors} choices={choices} />
      {!readOnly && <FormFoot creating={!initial} busy={busy} onCancel={onCancel} />}
    </form>
  );
}

export function ProductsPage({ selectedId }: { selectedId?: string }) {
  const user = useUser();
  const config: RecordPageConfig<Product> = {
    apiPath: '/products',
    basePath: '/plant/products',
    title: 'Products',
    singular: 'Product',
    entity: AUDIT_ENTITIES.product,
    canEdit: canEditPlant(user),
    toItem: (p) => ({
      id: p.id,
      title: p.name,
      subtitle: [p.id, p.family].filter(Boolean).join(' · '),
      meta: `${p.routing?.length ?? 0} ops`,
    }),
    renderForm: (p) => <ProductForm {...p} />,
    emptyHint: 'A product has a routing: the operations, where they run, cycle times, parameters and materials.',
  };
  return <RecordPage config={config} selectedId={selectedId} />;
}
