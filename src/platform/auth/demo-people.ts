// The demo plant's people: an operator and a supervisor who sign in at the terminal with badge and PIN. Their PINs
// are printed in the README, so they exist only when the demo is asked for (`npm start`, `takt start --demo`,
// TAKT_DEMO=true), and GET /api/health says `demoCredentials: true` while any of them still signs in with its
// published PIN, so the sign-in pages can warn (issue #11 item 9).
import type { Db } from '../db/database.ts';
import * as repo from './auth.repository.ts';
import { verifyPassword } from './passwords.ts';

export const DEMO_PEOPLE = [
  { username: 'olivia', displayName: 'Olivia (operator)', roles: ['operator' as const], badge: '1001', pin: '104729' },
  { username: 'sam', displayName: 'Sam (shift supervisor)', roles: ['supervisor' as const], badge: '2001', pin: '230519' },
];

/** True while an active user holds a demo badge whose PIN is still the published one. */
export async function demoCredentialsActive(db: Db): Promise<boolean> {
  for (const p of DEMO_PEOPLE) {
    const u = await repo.findUserByBadge(db, p.badge);
    if (u?.active && u.pinHash && (await verifyPassword(p.pin, u.pinHash))) return true;
  }
  return false;
}
