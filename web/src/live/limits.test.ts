import { describe, expect, it } from 'vitest';
import { chartLimits } from './limits.ts';

describe('chart limits', () => {
  const tag = { tag: 'torque', min: 0, max: 5 };
  it('draws the running recipe limits of the parameter named like the tag', () => {
    const run = {
      orderId: 'O-1',
      seq: 10,
      parameters: [
        { name: 'torque', min: 0.8, max: 1 },
        { name: 'speed', min: 1 },
      ],
    };
    expect(chartLimits(tag, run)).toEqual({ min: 0.8, max: 1, source: 'recipe', label: 'recipe limits (order O-1/10)' });
    expect(chartLimits({ tag: 'speed', min: null, max: null }, run)).toMatchObject({ min: 1, max: null, source: 'recipe' });
  });
  it('falls back to the plant model range without a run or without recipe limits for the tag', () => {
    expect(chartLimits(tag, null)).toEqual({ min: 0, max: 5, source: 'plant', label: 'valid range (plant model)' });
    expect(chartLimits(tag, { orderId: 'O-1', seq: 10, parameters: [{ name: 'torque', min: null, max: null }] })).toMatchObject({ source: 'plant' });
    expect(chartLimits({ tag: 'x', min: null, max: null }, undefined)).toEqual({ min: null, max: null, source: 'none', label: '' });
  });
});
