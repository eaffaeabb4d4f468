// A complete failure code set from the seeded catalogue (migration 0029): a corrective work order is done only with
// one, so every test that finishes a corrective order sets this.
export const FAILURE_CODES = { component: 'HYD', failureMode: 'ELP', cause: 'WEAR', action: 'REPLACE' } as const;
