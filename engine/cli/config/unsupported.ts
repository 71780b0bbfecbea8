import type { ConfigSources } from './resolve.ts';

/** An option of the upstream CCM this one does not implement. */
interface Unsupported {
  readonly env: string;
  readonly secret: string;
  readonly why: string;
}

/** Said at start whenever set, so that it is never silently ignored. */
export const unsupportedOptions: readonly Unsupported[] = [
  {
    env: 'METAL_LOAD_BALANCER_ID',
    secret: 'loadBalancerID',
    why: 'this CCM does not manage an Equinix Metal Load Balancer (EMLB) for the control plane; for a control-plane Elastic IP set eipTag (METAL_EIP_TAG)',
  },
];

/** One warning per unsupported option that is set, naming where. */
export function unsupportedWarnings(sources: ConfigSources): string[] {
  return unsupportedOptions.flatMap((option) => {
    const places = [
      ...((sources.env[option.env] ?? '') === '' ? [] : [`environment variable ${option.env}`]),
      ...Object.keys(sources.secret?.fields ?? {})
        .filter((k) => k.toLowerCase() === option.secret.toLowerCase())
        .map((k) => `field "${k}" of the config Secret ${sources.secret?.path ?? ''}`),
    ];
    return places.map((where) => `${where} is not supported and has no effect: ${option.why}`);
  });
}
