// The module navigation: what exists, who may see it, and the modules still to come.
import { canSeeAudit, isAdmin } from './auth.tsx';
import type { User } from './types.ts';

export interface NavItem {
  to: string;
  label: string;
  /** Other path prefixes that mark this item active. */
  match?: string;
  visible?: (u: User) => boolean;
}

export interface NavSection {
  id: string;
  label: string;
  items: NavItem[];
}

export const NAV: NavSection[] = [
  {
    id: 'live',
    label: 'Live plant',
    items: [
      { to: '/live', label: 'Plant overview' },
      { to: '/live/quarantine', label: 'Quarantine' },
    ],
  },
  {
    id: 'production',
    label: 'Production',
    items: [
      { to: '/orders', label: 'Orders' },
      { to: '/shopfloor', label: 'Shop floor' },
      { to: '/terminal', label: 'Terminal' },
      { to: '/labour', label: 'Labour', visible: (u) => u.roles.some((r) => r === 'admin' || r === 'supervisor' || r === 'quality') },
    ],
  },
  {
    id: 'performance',
    label: 'Performance',
    items: [{ to: '/performance', label: 'OEE & losses' }],
  },
  {
    id: 'quality',
    label: 'Quality',
    items: [
      { to: '/quality', label: 'SPC & capability' },
      { to: '/quality/kpis', label: 'Quality KPIs' },
      { to: '/quality/gauges', label: 'Gauges' },
      { to: '/quality/skills', label: 'Skills' },
      { to: '/quality/ncrs', label: 'Nonconformances' },
      { to: '/quality/capas', label: 'CAPA' },
      { to: '/quality/holds', label: 'Holds' },
    ],
  },
  {
    id: 'maintenance',
    label: 'Maintenance',
    items: [
      { to: '/maintenance/work-orders', label: 'Work orders' },
      // technician work (web/src/maintenance/tech)
      { to: '/maintenance/tech', label: 'My work', visible: (u) => u.roles.some((r) => r === 'admin' || r === 'maintenance') },
      { to: '/maintenance/plans', label: 'Preventive plans' },
      { to: '/maintenance/kpis', label: 'Maintenance KPIs' },
      { to: '/maintenance/condition', label: 'Condition' },
    ],
  },
  {
    id: 'plan',
    label: 'Plan',
    items: [{ to: '/plan', label: 'Plan' }],
  },
  {
    id: 'erp',
    label: 'ERP link',
    items: [
      { to: '/erp/outbox', label: 'Outbox', visible: (u) => u.roles.some((r) => r === 'admin' || r === 'supervisor') },
      { to: '/erp/webhooks', label: 'Webhooks', visible: isAdmin },
    ],
  },
  {
    id: 'lots',
    label: 'Materials',
    items: [
      { to: '/lots', label: 'Lots' },
      { to: '/lots/trace', label: 'Trace & recall' },
    ],
  },
  {
    id: 'plant',
    label: 'Plant model',
    items: [
      { to: '/plant/equipment', label: 'Equipment' },
      { to: '/plant/products', label: 'Products & routings' },
      { to: '/plant/materials', label: 'Materials' },
      { to: '/plant/calendars', label: 'Shift calendars' },
      { to: '/plant/classes', label: 'Equipment classes' },
      { to: '/plant/file', label: 'Import / export' },
    ],
  },
  {
    id: 'audit',
    label: 'Compliance',
    items: [{ to: '/audit', label: 'Audit trail', visible: canSeeAudit }],
  },
  {
    id: 'admin',
    label: 'Administration',
    items: [
      { to: '/admin/users', label: 'Users', visible: isAdmin },
      { to: '/admin/tokens', label: 'API tokens', visible: isAdmin },
    ],
  },
];

/** Modules on the roadmap: shown disabled so people know where things will live. */
export const COMING_SOON: string[] = [];

/** The item a path belongs to: the longest `to` (or `match`) that is the path or a prefix of it. */
export function activeItem(items: NavItem[], pathname: string): NavItem | undefined {
  let best: NavItem | undefined;
  let bestLen = -1;
  for (const item of items) {
    for (const prefix of [item.to, item.match]) {
      if (!prefix) continue;
      if ((pathname === prefix || pathname.startsWith(`${prefix}/`)) && prefix.length > bestLen) {
        best = item;
        bestLen = prefix.length;
      }
    }
  }
  return best;
}

export function visibleNav(user: User): NavSection[] {
  return NAV.map((s) => ({ ...s, items: s.items.filter((i) => !i.visible || i.visible(user)) })).filter((s) => s.items.length > 0);
}
