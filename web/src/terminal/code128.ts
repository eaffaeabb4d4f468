// Code 128, code set B (ASCII 32–127), as an SVG: the symbology's width table (ISO/IEC 15417), the mod-103 check
// symbol, and the stop pattern with its termination bar. Enough for lot labels: lot ids are letters, digits, _ . : -.

/** Widths of bar, space, bar, space, bar, space in modules for the symbol values 0–105 (each sums to 11). */
export const PATTERNS: readonly string[] = [
  '212222',
  '222122',
  '222221',
  '121223',
  '121322',
  '131222',
  '122213',
  '122312',
  '132212',
  '221213',
  '221312',
  '231212',
  '112232',
  '122132',
  '122231',
  '113222',
  '123122',
  '123221',
  '223211',
  '221132',
  '221231',
  '213212',
  '223112',
  '312131',
  '311222',
  '321122',
  '321221',
  '312212',
  '322112',
  '322211',
  '212123',
  '212321',
  '232121',
  '111323',
  '131123',
  '131321',
  '112313',
  '132113',
  '132311',
  '211313',
  '231113',
  '231311',
  '112133',
  '112331',
  '132131',
  '113123',
  '113321',
  '133121',
  '313121',
  '211331',
  '231131',
  '213113',
  '213311',
  '213131',
  '311123',
  '311321',
  '331121',
  '312113',
  '312311',
  '332111',
  '314111',
  '221411',
  '431111',
  '111224',
  '111422',
  '121124',
  '121421',
  '141122',
  '141221',
  '112214',
  '112412',
  '122114',
  '122411',
  '142112',
  '142211',
  '241211',
  '221114',
  '413111',
  '241112',
  '134111',
  '111242',
  '121142',
  '121241',
  '114212',
  '124112',
  '124211',
  '411212',
  '421112',
  '421211',
  '212141',
  '214121',
  '412121',
  '111143',
  '111341',
  '131141',
  '114113',
  '114311',
  '411113',
  '411311',
  '113141',
  '114131',
  '311141',
  '411131',
  '211412',
  '211214',
  '211232',
];
/** The stop symbol (value 106) with its 2-module termination bar: 13 modules. */
export const STOP = '2331112';
export const START_B = 104;

/** Symbol values of `text` in code set B; throws for characters outside ASCII 32–127. */
export function valuesB(text: string): number[] {
  return [...text].map((ch) => {
    const c = ch.charCodeAt(0);
    if (ch.length !== 1 || c < 32 || c > 127) throw new Error(`'${ch}' cannot be encoded in Code 128 set B`);
    return c - 32;
  });
}

/** The check symbol: (start value + Σ position × value) mod 103, positions counted from 1. */
export function checksumB(text: string): number {
  return valuesB(text).reduce((sum, v, i) => sum + v * (i + 1), START_B) % 103;
}

/** The whole symbol as module widths, starting with a bar: start B, the data, the check symbol, stop. */
export function encodeB(text: string): number[] {
  if (!text) throw new Error('nothing to encode');
  const symbols = [START_B, ...valuesB(text), checksumB(text)];
  return [...symbols.map((v) => PATTERNS[v]).join(''), ...STOP].map(Number);
}

/** Bars as rectangles (x and width in modules) after a 10-module quiet zone; `width` includes both quiet zones. */
export function barsB(text: string, quiet = 10): { bars: Array<{ x: number; w: number }>; width: number } {
  const widths = encodeB(text);
  const bars: Array<{ x: number; w: number }> = [];
  let x = quiet;
  widths.forEach((w, i) => {
    if (i % 2 === 0) bars.push({ x, w });
    x += w;
  });
  return { bars, width: x + quiet };
}
