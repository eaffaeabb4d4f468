// B2MML's one home: the generations, their namespaces, the documents and entry schemas, schema loading and XSD
// validation. Execution's intake of schedules and the ERP's performance documents both import from here.
export {
  B2MML_DOCUMENTS,
  B2MML_ENTRY_SCHEMAS,
  B2MML_NAMESPACES,
  B2MML_NOUNS,
  B2MML_VERSIONS,
  NS_V0600,
  NS_V0701,
  versionOfNamespace,
  type B2mmlDocumentKind,
  type B2mmlVersion,
} from './namespaces.ts';
export { memoryPagesFor, schemaFolder, validateB2mml, type SchemaError } from './xsd.ts';
