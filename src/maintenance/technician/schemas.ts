// Request and response schemas of technician work (zod, so every route is in the OpenAPI document).
import { z } from 'zod';
import { workOrderSchema } from '../work-orders/work-orders.routes.ts';
import { LABOUR_STOP_REASONS } from './model.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const code = z.string().trim().min(1).max(32).nullable();

export const params = z.object({ id: z.string().regex(/^WO-\d{1,12}$/, 'a work order number, e.g. WO-12') });

export const labourStopBody = z.object({ reason: z.enum(LABOUR_STOP_REASONS) }).strict();
export const noteBody = z.object({ text: text(4000) }).strict();
export const checklistBody = z.object({ text: text(500) }).strict();
export const tickBody = z.object({ done: z.boolean() }).strict();
export const failureCodesBody = z.object({ component: code, failureMode: code, cause: code, action: code }).strict();
export const partBody = z.object({ lotId: z.string().trim().min(1).max(100), quantity: z.number().positive().max(1e9) }).strict();
export const mttrQuery = z.object({
  equipment: z.string().min(1).max(300),
  from: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
  to: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
});

export const labourSchema = z.object({
  id: z.number(),
  technician: z.string(),
  startedAt: z.string(),
  stoppedAt: z.string().nullable(),
  stopReason: z.enum(LABOUR_STOP_REASONS).nullable(),
});
export const noteSchema = z.object({ id: z.number(), text: z.string(), by: z.string(), at: z.string() });
export const photoSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export const itemSchema = z.object({ id: z.number(), text: z.string(), done: z.boolean(), doneBy: z.string().nullable(), doneAt: z.string().nullable() });
export const failureCodesSchema = z.object({
  component: z.string().nullable(),
  failureMode: z.string().nullable(),
  cause: z.string().nullable(),
  action: z.string().nullable(),
});
const codeList = z.array(z.object({ code: z.string(), label: z.string() }));
export const catalogueSchema = z.object({ component: codeList, failureMode: codeList, cause: codeList, action: codeList });
export const partSchema = z.object({
  id: z.number(),
  lotId: z.string(),
  materialId: z.string(),
  quantity: z.number(),
  unit: z.string(),
  by: z.string(),
  at: z.string(),
});
const figures = {
  totalMinutes: z.number(),
  waitingForTechnicianMinutes: z.number(),
  repairMinutes: z.number(),
  waitingForPartsMinutes: z.number(),
  otherMinutes: z.number(),
};
export const mttrSchema = z.object({ basis: z.enum(['stop', 'request']), from: z.string(), end: z.string(), done: z.boolean(), ...figures });
export const machineMttrSchema = z.object({
  equipment: z.string(),
  from: z.string(),
  to: z.string(),
  repairs: z.number(),
  ...figures,
  mean: z.object(figures).nullable(),
});
export const workSchema = z.object({
  workOrderId: z.string(),
  labour: z.array(labourSchema),
  notes: z.array(noteSchema),
  photos: z.array(photoSchema),
  checklist: z.array(itemSchema),
  failureCodes: failureCodesSchema,
  parts: z.array(partSchema),
  mttr: mttrSchema,
});
export const queueSchema = z.array(workOrderSchema);
