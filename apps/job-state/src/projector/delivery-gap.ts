/**
 * Whether a delivery from the projector's consumer follows the one before: null when it does,
 * else what went wrong. The consumer numbers every delivery it sends, redeliveries included,
 * so on one connection they arrive numbered 1, 2, 3 …; a jump means deliveries were lost on
 * the way (the connection, or the NATS node they went through, died with them in flight), a
 * step back that the consumer was replaced under us.
 */
export function deliveryGap(last: number, delivery: number): string | null {
  if (delivery === last + 1) return null;
  if (delivery === last + 2) return `delivery ${last + 1} never arrived (delivery ${delivery} did)`;
  if (delivery > last + 2) return `deliveries ${last + 1} to ${delivery - 1} never arrived (delivery ${delivery} did)`;
  return `delivery ${delivery} came after delivery ${last}: the consumer was replaced`;
}
