import type { MetalRequestSpec } from '../../providers/metal/transport.ts';

/** A read: safe to send again. */
export const getProject: MetalRequestSpec = {
  operation: 'findProjectById',
  method: 'GET',
  path: '/projects/p',
  idempotent: true,
};

/** A create: never sent twice after an ambiguous failure. */
export const requestReservation: MetalRequestSpec = {
  operation: 'requestIPReservation',
  method: 'POST',
  path: '/projects/p/ips',
  idempotent: false,
  body: { quantity: 1 },
};
