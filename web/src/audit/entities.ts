// Audit entity names as the server records them, and where each record lives in the web shell.

export const AUDIT_ENTITIES = {
  equipment: 'equipment',
  equipmentClass: 'equipmentClass',
  material: 'material',
  product: 'product',
  calendar: 'calendar',
  user: 'user',
  token: 'token',
} as const;

export const ENTITY_LABELS: Record<string, string> = {
  equipment: 'Equipment',
  equipmentClass: 'Equipment class',
  material: 'Material',
  product: 'Product',
  calendar: 'Shift calendar',
  user: 'User',
  token: 'API token',
};

/** Link to the record's own page, when the web shell has one. */
export function recordHref(entity: string, entityId: string): string | null {
  const id = encodeURIComponent(entityId);
  switch (entity) {
    case 'equipment':
      return `/plant/equipment/${id}`;
    case 'equipmentClass':
      return `/plant/classes/${id}`;
    case 'material':
      return `/plant/materials/${id}`;
    case 'product':
      return `/plant/products/${id}`;
    case 'calendar':
      return `/plant/calendars/${id}`;
    case 'user':
      return `/admin/users/${id}`;
    default:
      return null;
  }
}
