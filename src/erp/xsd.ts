// Validation of the performance documents Takt sends, against MESA's schemas (reuses execution's libxml2-WASM check).
import { schemaFolder, validateB2mml, type SchemaError } from '../execution/xsd.ts';

export type { SchemaError };

const ENTRY = { V0600: 'B2MML-V0600-ProductionPerformance.xsd', V0701: 'B2MML-OperationsPerformance.xsd' } as const;

/** Schema errors of a ProductionPerformance (V0600) or OperationsPerformance (V0701) document; empty when valid. */
export function validatePerformance(xml: string, version: 'V0600' | 'V0701', folder = schemaFolder()): Promise<SchemaError[]> {
  return validateB2mml(xml, version, folder, ENTRY[version]);
}
