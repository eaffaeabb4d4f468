// The B2MML generations Takt speaks, their XML namespaces and the MESA entry schema of each document it reads or
// writes. One definition for the intake of schedules (execution) and the performance documents sent back (erp).

/** V0600: ISA-95.00.02-2010 (ProductionSchedule / ProductionPerformance); V0701: ISA-95.00.02-2013 (Operations…). */
export const B2MML_VERSIONS = ['V0600', 'V0701'] as const;
export type B2mmlVersion = (typeof B2MML_VERSIONS)[number];

// MESA B2MML V0600 declares its own target namespace; from V0700 on the namespace carries no version.
export const NS_V0600 = 'http://www.mesa.org/xml/B2MML-V0600';
export const NS_V0701 = 'http://www.mesa.org/xml/B2MML';
export const B2MML_NAMESPACES: Readonly<Record<B2mmlVersion, string>> = { V0600: NS_V0600, V0701: NS_V0701 };

/** The generation whose namespace this is, or undefined for any other (or no) namespace. */
export function versionOfNamespace(ns: unknown): B2mmlVersion | undefined {
  return B2MML_VERSIONS.find((v) => B2MML_NAMESPACES[v] === ns);
}

/** The documents Takt handles: schedules come in from the ERP, performance goes back to it. */
export const B2MML_DOCUMENTS = ['schedule', 'performance'] as const;
export type B2mmlDocumentKind = (typeof B2MML_DOCUMENTS)[number];

/** Root element (noun) of each document per generation. */
export const B2MML_NOUNS: Readonly<Record<B2mmlDocumentKind, Record<B2mmlVersion, string>>> = {
  schedule: { V0600: 'ProductionSchedule', V0701: 'OperationsSchedule' },
  performance: { V0600: 'ProductionPerformance', V0701: 'OperationsPerformance' },
};

/** The entry schema of each document in MESA's folder of the generation (schemas/b2mml/<version>/). */
export const B2MML_ENTRY_SCHEMAS: Readonly<Record<B2mmlDocumentKind, Record<B2mmlVersion, string>>> = {
  schedule: { V0600: 'B2MML-V0600-ProductionSchedule.xsd', V0701: 'B2MML-OperationsSchedule.xsd' },
  performance: { V0600: 'B2MML-V0600-ProductionPerformance.xsd', V0701: 'B2MML-OperationsPerformance.xsd' },
};
