import { describe, expect, it } from 'vitest';
import { crossSiteReason } from './guard.ts';

const req = (host: string, headers: Record<string, string>) => ({ host, headers }) as Parameters<typeof crossSiteReason>[0];

describe('crossSiteReason', () => {
  it('trusts Fetch Metadata first', () => {
    expect(crossSiteReason(req('mes:3000', { 'sec-fetch-site': 'same-origin' }))).toBeUndefined();
    expect(crossSiteReason(req('mes:3000', { 'sec-fetch-site': 'none' }))).toBeUndefined();
    for (const site of ['cross-site', 'same-site', 'weird'])
      expect(crossSiteReason(req('mes:3000', { 'sec-fetch-site': site, origin: 'http://mes:3000' }))).toContain(site);
  });

  it('compares Origin with Host, default ports written or not', () => {
    expect(crossSiteReason(req('mes:3000', { origin: 'http://mes:3000' }))).toBeUndefined();
    expect(crossSiteReason(req('MES:3000', { origin: 'http://mes:3000' }))).toBeUndefined();
    expect(crossSiteReason(req('mes', { origin: 'https://mes' }))).toBeUndefined();
    expect(crossSiteReason(req('mes:80', { origin: 'http://mes' }))).toBeUndefined();
    for (const origin of ['http://mes:3001', 'http://evil', 'http://mes.evil:3000', 'null', 'not a url'])
      expect(crossSiteReason(req('mes:3000', { origin })), origin).toBe(`Origin: ${origin}`);
  });

  it('lets requests without either header through (not a browser)', () => {
    expect(crossSiteReason(req('mes:3000', {}))).toBeUndefined();
  });
});
