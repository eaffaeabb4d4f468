// EUROMAP 63 press emulator: a session folder served like an injection moulding machine would (standards.md §6),
// for tests, demos and the connector benchmark (bench/lib/euromap63.ts).
export { startEuromap63Press, type PressFaults, type PressHandle, type PressOptions } from './press.ts';
