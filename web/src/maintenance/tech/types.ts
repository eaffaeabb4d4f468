// How the technician pages show the server's records (the shapes are the server's: src/maintenance/index.ts).
export type { FailureCodes, MttrSplit, TechnicianWork } from '../../../../src/maintenance/index.ts';
export { MttrFigures } from './MttrFigures.tsx';
import type { FailureCodes } from '../../../../src/maintenance/index.ts';

export type FailureCatalogue = Record<keyof FailureCodes, Array<{ code: string; label: string }>>;

export const CODE_LABEL: Record<keyof FailureCodes, string> = {
  component: 'Component',
  failureMode: 'Failure mode',
  cause: 'Cause',
  action: 'Action',
};
