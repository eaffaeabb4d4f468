import { describe, expect, it } from 'vitest';
import { counterWentBack } from './heartbeat.ts';
import { heartbeatJob } from './jobs.ts';

describe('EUROMAP 63 heartbeat', () => {
  it('is a REPORT by time with the clock and the cycle counter, every staleAfterS / 3 s', () => {
    expect(heartbeatJob(10)).toBe(
      'JOB TKTHBT RESPONSE "TKTHBT.LOG";\r\nREPORT TKTHBT REWRITE "TKTHBT.DAT" START IMMEDIATE STOP NEVER CYCLIC TIME 00:00:10\r\n PARAMETERS DATE,TIME,ActCntCyc;\r\n',
    );
    expect(heartbeatJob(1)).toContain('CYCLIC TIME 00:00:01');
    expect(heartbeatJob(3725)).toContain('CYCLIC TIME 01:02:05');
    expect(heartbeatJob(0.2)).toContain('CYCLIC TIME 00:00:01');
  });

  it('tells a counter that went back (restart, reset) from one that rolled over', () => {
    expect(counterWentBack(undefined, 5)).toBe(false);
    expect(counterWentBack(500, 500)).toBe(false);
    expect(counterWentBack(500, 501)).toBe(false);
    expect(counterWentBack(500, 0)).toBe(true);
    expect(counterWentBack(65_204, 32_602)).toBe(true);
    // 16-bit roll-over: 65 530 → 3 (from ≥ 90 % of 65 536 to < 10 %) is counting on, not a restart
    expect(counterWentBack(65_530, 3)).toBe(false);
    expect(counterWentBack(32_760, 12)).toBe(false);
    expect(counterWentBack(40_000, 12)).toBe(true);
  });
});
