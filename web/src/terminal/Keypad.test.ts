import { describe, expect, it } from 'vitest';
import { keypadPress } from './Keypad.tsx';

const type = (keys: string[], opts: { decimal?: boolean; pin?: boolean; maxLength?: number } = {}, start = '') =>
  keys.reduce((v, k) => keypadPress(v, k, { decimal: false, pin: false, maxLength: 9, ...opts }), start);

describe('terminal keypad', () => {
  it('gives what is typed, from an empty entry', () => {
    expect(type(['2'])).toBe('2');
    expect(type(['1', '2'])).toBe('12');
    expect(type(['0', '5'])).toBe('5');
  });
  it('clears the entry and deletes the last digit', () => {
    expect(type(['1', '2', 'clear', '2'])).toBe('2');
    expect(type(['1', '2', 'back'])).toBe('1');
    expect(type(['back', 'clear'])).toBe('');
  });
  it('offers a decimal point only where the unit allows it, once', () => {
    expect(type(['2', '.', '5'])).toBe('25');
    expect(type(['2', '.', '5'], { decimal: true })).toBe('2.5');
    expect(type(['.', '5', '.', '1'], { decimal: true })).toBe('0.51');
  });
  it('keeps every digit of a PIN, leading zeros too, up to its length', () => {
    expect(type(['0', '1', '2', '3'], { pin: true })).toBe('0123');
    expect(type([...'123456789'], { pin: true, maxLength: 8 })).toBe('12345678');
    expect(type(['.'], { pin: true })).toBe('');
  });
});
