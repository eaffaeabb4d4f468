import { describe, expect, it } from 'vitest';
import { completeLines, parseAlarmRow, parseHeader, parseValue, splitFields } from './dat.ts';
import { abortJob, formatValue, reportJob, reportParameters, setJob, tagFor } from './jobs.ts';
import { datTimeToUtc } from './time.ts';

describe('DAT fields', () => {
  it('splits on commas outside brackets and quotes', () => {
    expect(splitFields('DATE,TIME,SetTmpBrlZn[1,3],@ActX, ActTimCyc')).toEqual(['DATE', 'TIME', 'SetTmpBrlZn[1,3]', '@ActX', 'ActTimCyc']);
    expect(splitFields('1,"MOULD, left",2.5')).toEqual(['1', '"MOULD, left"', '2.5']);
    expect(splitFields('')).toEqual(['']);
  });

  it('reads numbers with a decimal point and quoted strings', () => {
    expect(parseValue('12.50')).toBe(12.5);
    expect(parseValue('-3')).toBe(-3);
    expect(parseValue('1e3')).toBe(1000);
    expect(parseValue('"MOULD-A"')).toBe('MOULD-A');
    expect(parseValue('"say ""hi"""')).toBe('say "hi"');
    expect(parseValue('"12"')).toBe('12');
    expect(parseValue('12,5')).toBe('12,5'); // a decimal comma is not a number
  });

  it('keeps a last line without its line end for later', () => {
    const a = completeLines(Buffer.from('A,B\r\n1,2\r\n3,'));
    expect(a.lines).toEqual(['A,B', '1,2']);
    expect(a.bytes).toBe(10);
    expect(completeLines(Buffer.from('1,2\r')).lines).toEqual([]);
    expect(completeLines(Buffer.from('x\n')).lines).toEqual(['x']);
  });

  it('decodes Latin-1 text that is not UTF-8', () => {
    const buf = Buffer.concat([Buffer.from('1,"'), Buffer.from([0xdc]), Buffer.from('berdruck"\r\n')]);
    expect(completeLines(buf).lines[0]).toBe('1,"Überdruck"');
  });

  it('joins header lines that continue on lines beginning with a space', () => {
    const lines = ['DATE,TIME,ActCntCyc,', ' ActTimCyc,SetTmpBrlZn[1,3],', ' @ActTmpMld', '20240101,10:00:00,1,20.5,230,60'];
    expect(parseHeader(lines)).toEqual({ names: ['DATE', 'TIME', 'ActCntCyc', 'ActTimCyc', 'SetTmpBrlZn[1,3]', '@ActTmpMld'], lineCount: 3 });
    // without a row after it, the header may still continue
    expect(parseHeader(lines.slice(0, 2))).toBeUndefined();
  });

  it('parses alarm rows', () => {
    const toUtc = (d: string, t: string) => datTimeToUtc(d, t, 'UTC');
    expect(parseAlarmRow('1,20240301,08:15:00,1234,1,205,"hydraulic pressure low"', toUtc)).toEqual({
      ts: Date.UTC(2024, 2, 1, 8, 15),
      cycle: 1234,
      set: true,
      no: '205',
      text: 'hydraulic pressure low',
    });
    expect(parseAlarmRow('2,20240301,08:15:00,1234,0,205,"x"', toUtc)).toMatchObject({ set: false });
    expect(parseAlarmRow('2,20240301,08:15:00,1234,7,205,"x"', toUtc)).toMatchObject({ ok: false });
    expect(parseAlarmRow('garbage', toUtc)).toMatchObject({ ok: false });
    expect(parseAlarmRow('', toUtc)).toBeNull();
  });
});

describe('job files', () => {
  it('writes 8.3 names, CRLF and commands ending with ;', () => {
    const text = reportJob(reportParameters(['ActTmpOil', 'SetTmpBrlZn[1,3]'], { '@ActTmpMld': 'mouldTemp' }));
    expect(text.startsWith('JOB TKTREP RESPONSE "TKTREP.LOG";\r\n')).toBe(true);
    expect(text).toContain('REPORT TKTREP APPEND "TKTREP.DAT" START IMMEDIATE STOP NEVER CYCLIC SHOT 1');
    expect(text).toContain('PARAMETERS DATE,TIME,ActCntCyc,ActTimCyc,ActTmpOil,SetTmpBrlZn[1,3],@ActTmpMld;\r\n');
    expect(text.split('\r\n').every((l) => !l.includes('\n'))).toBe(true);
    expect(abortJob()).toBe('JOB TKTABT RESPONSE "TKTABT.LOG";\r\nABORT JOB TKTREP;\r\nABORT JOB TKTALM;\r\nABORT JOB TKTHBT;\r\n');
  });

  it('quotes strings, writes booleans as 1/0', () => {
    expect(formatValue('MOULD-B')).toBe('"MOULD-B"');
    expect(formatValue(true)).toBe('1');
    expect(formatValue(false)).toBe('0');
    expect(formatValue(232.5)).toBe('232.5');
    expect(formatValue('a"b')).toHaveProperty('error');
    expect(setJob([['SetTimHold', '4.5']])).toBe('JOB TKTSET RESPONSE "TKTSET.LOG";\r\nSET SetTimHold 4.5;\r\n');
  });

  it('maps variables to valid tag names', () => {
    expect(tagFor('ActCntCyc', undefined)).toBe('good');
    expect(tagFor('ActTimCyc', undefined)).toBe('cycle_time');
    expect(tagFor('SetTmpBrlZn[1,3]', undefined)).toBe('SetTmpBrlZn_1_3');
    expect(tagFor('@ActTmpMld', undefined)).toBe('_ActTmpMld');
    expect(tagFor('@ActTmpMld', { '@ActTmpMld': 'mouldTemperature' })).toBe('mouldTemperature');
    for (const n of ['SetTmpBrlZn[1,3]', '@A.b', 'ActX']) expect(tagFor(n, undefined)).toMatch(/^[A-Za-z0-9_.:-]{1,100}$/);
  });
});
