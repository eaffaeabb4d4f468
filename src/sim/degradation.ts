// Degradation mode of the machine simulator: one component (a heater band, a pump, a bearing) wears with running
// time. As it wears, one process value drifts away from its target and micro-stops come more often; when the wear
// reaches its life the component fails — a breakdown with the component's alarm — and the repair fits a new one
// (wear back to zero, a new life drawn). Deterministic from its seed; it has its own random stream, so switching it
// on does not change how the rest of the machine's randomness is drawn for other machines.
import { SimRng } from './rng.ts';

export interface DegradationSpec {
  /** The process parameter (tag) that drifts as the component wears. */
  tag: string;
  /** Mean life of the component in hours of Execute time. */
  lifeH: number;
  /** Spread of the life: Weibull shape of the drawn lives (default 4: wear-out, lives within about ±30 %). */
  lifeShape?: number;
  /** Drift of the tag at the end of life, in half tolerance bands (default 1.6: well past the limit); sign = direction. */
  drift?: number;
  /** Exponent of the wear curve: drift = drift × wear^curve (default 2.5: quiet for most of the life, fast at the end). */
  curve?: number;
  /** Micro-stops come this many times more often at the end of life (default 4). */
  microStopFactor?: number;
  /** Alarm code the failure raises (default E101). */
  alarm?: string;
  /** Wear of the first component when the simulation starts, 0 (new, default) … <1: a machine found mid-life. */
  startWear?: number;
  seed: number;
}

export interface WearOut {
  /** Simulated epoch ms at which the component failed. */
  ts: number;
  /** Its life in hours of Execute time. */
  lifeH: number;
}

/** Gamma function by the Lanczos approximation (g = 7), for the mean of a Weibull life. */
function gamma(z: number): number {
  const c = [
    0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905, -0.13857109526572012,
    9.984369578019572e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.PI / (Math.sin(Math.PI * z) * gamma(1 - z));
  const x = z - 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return Math.sqrt(2 * Math.PI) * t ** (x + 0.5) * Math.exp(-t) * a;
}

export class Degradation {
  readonly tag: string;
  readonly alarm: string;
  private readonly rng: SimRng;
  private readonly shape: number;
  private readonly scale: number;
  private readonly drift: number;
  private readonly curve: number;
  private readonly microFactor: number;
  private usedMs = 0;
  private lifeMs: number;
  readonly failures: WearOut[] = [];

  constructor(spec: DegradationSpec) {
    if (!(spec.lifeH > 0)) throw new Error('degradation lifeH must be > 0');
    const start = spec.startWear ?? 0;
    if (!(start >= 0 && start < 1)) throw new Error('degradation startWear must be in [0, 1)');
    this.tag = spec.tag;
    this.alarm = spec.alarm ?? 'E101';
    this.rng = new SimRng(spec.seed);
    this.shape = spec.lifeShape ?? 4;
    // Weibull scale so that the mean life is lifeH: mean = η Γ(1 + 1/β)
    this.scale = (spec.lifeH * 3600_000) / gamma(1 + 1 / this.shape);
    this.drift = spec.drift ?? 1.6;
    this.curve = spec.curve ?? 2.5;
    this.microFactor = spec.microStopFactor ?? 4;
    this.lifeMs = this.drawLife();
    this.usedMs = start * this.lifeMs;
  }

  private drawLife(): number {
    const u = Math.max(1e-12, 1 - this.rng.float());
    return this.scale * (-Math.log(u)) ** (1 / this.shape);
  }

  /** Wear as a fraction of this component's life, 0 (new) … 1 (failed). */
  get wear(): number {
    return Math.min(1, this.usedMs / this.lifeMs);
  }

  /** Offset of the tag's value from its undisturbed value, given the parameter's half tolerance band. */
  offset(half: number): number {
    return this.drift * half * this.wear ** this.curve;
  }

  /** How much faster micro-stops come now (1 when new, microStopFactor at the end of life). */
  get microStopRate(): number {
    return 1 + (this.microFactor - 1) * this.wear ** this.curve;
  }

  /** Adds Execute time; true when the component has reached its life and fails now. */
  run(ms: number): boolean {
    this.usedMs += ms;
    return this.usedMs >= this.lifeMs;
  }

  /** The repair after the failure at `ts`: a new component, a new life. */
  replace(ts: number): void {
    this.failures.push({ ts, lifeH: this.lifeMs / 3600_000 });
    this.usedMs = 0;
    this.lifeMs = this.drawLife();
  }
}
