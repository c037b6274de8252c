import { describe, expect, it } from '@jest/globals';
import { deliveryGap } from './delivery-gap.js';

describe('deliveryGap', () => {
  it('takes the next delivery, the first one included', () => {
    expect(deliveryGap(0, 1)).toBeNull();
    expect(deliveryGap(41, 42)).toBeNull();
  });

  it('names one delivery that never arrived', () => {
    expect(deliveryGap(4, 6)).toBe('delivery 5 never arrived (delivery 6 did)');
    expect(deliveryGap(0, 2)).toBe('delivery 1 never arrived (delivery 2 did)');
  });

  it('names a run of deliveries that never arrived', () => {
    expect(deliveryGap(4, 9)).toBe('deliveries 5 to 8 never arrived (delivery 9 did)');
  });

  it('refuses a delivery numbered at or below the last one', () => {
    expect(deliveryGap(7, 7)).toBe('delivery 7 came after delivery 7: the consumer was replaced');
    expect(deliveryGap(7, 1)).toBe('delivery 1 came after delivery 7: the consumer was replaced');
  });
});
