// Audit entity names as the server records them, and where each record lives in the web shell.

export const AUDIT_ENTITIES = {
  equipment: 'equipment',
  equipmentClass: 'equipment_class',
  material: 'material',
  product: 'product',
  calendar: 'calendar',
  user: 'user',
  token: 'api_token',
} as const;

export const ENTITY_LABELS: Record<string, string> = {
  equipment: 'Equipment',
  equipment_class: 'Equipment class',
  material: 'Material',
  product: 'Product',
  calendar: 'Shift calendar',
  user: 'User',
  api_token: 'API token',
  sign_in: 'Sign-in',
};

/** Link to the record's own page, when the web shell has one. */
export function recordHref(entity: string, entityId: string): string | null {
  const id = encodeURIComponent(entityId);
  switch (entity) {
    case 'equipment':
      return `/plant/equipment/${id}`;
    case 'equipment_class':
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
