// The chart of one monitor: its bucket means, the limits, the alarm episodes (red points) and the trend forecast with
// its 95 % prediction band (shaded) to the horizon. Plain SVG, no chart library.

export interface ChartPoint {
  ts: number;
  value: number;
  alarm: boolean;
}
export interface BandPoint {
  ts: number;
  fit: number;
  lo: number;
  hi: number;
}

const W = 560;
const HGT = 160;
const PAD = 28;

export function ConditionChart({
  points,
  band,
  min,
  max,
  label,
}: {
  points: ChartPoint[];
  band: BandPoint[];
  min: number | null;
  max: number | null;
  label: string;
}) {
  if (points.length === 0) return <p className="muted">No values of this tag in the window yet.</p>;
  const ts = [...points.map((p) => p.ts), ...band.map((b) => b.ts)];
  const vs = [...points.map((p) => p.value), ...(min !== null ? [min] : []), ...(max !== null ? [max] : [])];
  // the band may run far off; the chart keeps to the limits and the data, with a margin
  const lo = Math.min(...vs);
  const hi = Math.max(...vs);
  const margin = (hi - lo || 1) * 0.15;
  const y0 = lo - margin;
  const y1 = hi + margin;
  const t0 = Math.min(...ts);
  const t1 = Math.max(...ts, t0 + 1);
  const x = (t: number) => PAD + ((t - t0) / (t1 - t0)) * (W - 2 * PAD);
  const y = (v: number) => HGT - PAD - ((Math.min(y1, Math.max(y0, v)) - y0) / (y1 - y0)) * (HGT - 2 * PAD);
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.ts).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const area = band.length
    ? `M${band.map((b) => `${x(b.ts).toFixed(1)},${y(b.hi).toFixed(1)}`).join(' L')} L${[...band]
        .reverse()
        .map((b) => `${x(b.ts).toFixed(1)},${y(b.lo).toFixed(1)}`)
        .join(' L')} Z`
    : '';
  const fit = band.map((b, i) => `${i ? 'L' : 'M'}${x(b.ts).toFixed(1)},${y(b.fit).toFixed(1)}`).join(' ');
  return (
    <svg viewBox={`0 0 ${W} ${HGT}`} width="100%" role="img" aria-label={label} data-testid="condition-chart">
      {area && <path d={area} fill="currentColor" opacity={0.12} data-testid="forecast-band" />}
      {fit && <path d={fit} fill="none" stroke="currentColor" strokeDasharray="4 3" opacity={0.6} />}
      {[min, max].map((l) =>
        l === null ? null : (
          <g key={l}>
            <line x1={PAD} x2={W - PAD} y1={y(l)} y2={y(l)} stroke="#c0392b" strokeDasharray="6 4" />
            <text x={W - PAD + 2} y={y(l) + 4} fontSize={10}>
              {l}
            </text>
          </g>
        ),
      )}
      <path d={line} fill="none" stroke="#2c6fbb" strokeWidth={1.5} />
      {points
        .filter((p) => p.alarm)
        .map((p) => (
          <circle key={p.ts} cx={x(p.ts)} cy={y(p.value)} r={2.5} fill="#c0392b" />
        ))}
    </svg>
  );
}
