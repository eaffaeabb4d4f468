// EUROMAP 63 press emulator: a session folder served like an injection moulding machine would (standards.md §6),
// for tests, demos and the connector benchmark.
export { startEuromap63Press, type PressFaults, type PressHandle, type PressOptions } from './press.ts';
export { benchEuromap63, type Euromap63BenchOptions, type Euromap63BenchResult } from './bench.ts';
