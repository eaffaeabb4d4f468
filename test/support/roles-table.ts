// The "who may call what" table of docs/security.md, generated from the server's own route list so the document
// cannot drift from the guard: test/integration/security-docs.test.ts compares the two (UPDATE_DOCS=1 rewrites it).
import { ALL_ROLES } from '../../src/platform/auth/principal.ts';
import type { RouteInfo } from '../../src/platform/http/guard.ts';

export const ROLES_START = '<!-- roles-table:start (generated from the route table; UPDATE_DOCS=1 npx vitest run test/integration/security-docs.test.ts) -->';
export const ROLES_END = '<!-- roles-table:end -->';

const SHORT: Record<string, string> = { admin: 'adm', supervisor: 'sup', operator: 'op', quality: 'qa', maintenance: 'mnt', integration: 'int', device: 'dev' };

/** One row per API route (sorted by path, then method); a ✓ per role allowed; public routes say so. The web app's own
 *  files are public routes too, left out here: their names change with every build. */
export function rolesTable(routes: RouteInfo[]): string {
  const roles = [...ALL_ROLES];
  routes = routes.filter((r) => r.url.startsWith('/api/'));
  const head = `| route | ${roles.map((r) => SHORT[r] ?? r).join(' | ')} |`;
  const sep = `|---|${roles.map(() => ':-:').join('|')}|`;
  const rows = [...routes]
    .sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method))
    .map((r) => {
      const cells = roles.map((role) => (r.public ? 'open' : r.roles?.includes(role) ? '✓' : ''));
      return `| \`${r.method} ${r.url}\` | ${cells.join(' | ')} |`;
    });
  const legend = `Roles: ${roles.map((r) => `${SHORT[r] ?? r} = ${r}`).join(', ')}. "open" = no sign-in needed.`;
  return [legend, '', head, sep, ...rows].join('\n');
}

/** Replaces the generated block of a markdown text (throws if the markers are missing). */
export function withRolesTable(markdown: string, table: string): string {
  const a = markdown.indexOf(ROLES_START);
  const b = markdown.indexOf(ROLES_END);
  if (a < 0 || b < a) throw new Error('docs/security.md lacks the roles-table markers');
  return `${markdown.slice(0, a + ROLES_START.length)}\n${table}\n${markdown.slice(b)}`;
}
