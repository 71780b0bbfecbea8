import { loadBalancerTraits } from '../../model/load-balancer.ts';
import type { Settings } from '../../model/settings.ts';
import { fail, listed, ok, warn, type Check, type Read } from './check.ts';
import type { MetalFacts } from './facts.ts';

/** The API key reads the project: everything else on the Metal side depends on it. */
export function projectCheck(metal: Read<MetalFacts>, settings: Settings): Check {
  if (!metal.ok)
    return fail(
      'metal.project',
      metal.error,
      `check the API key (apiKey, METAL_API_KEY) and the project ID (${settings.projectID}): the key must be a project or user key with access to that project`,
    );
  const { project, devices, reservations } = metal.value;
  return ok(
    'metal.project',
    `project "${project.name}" (${project.id}) read: ${devices.length} devices, ${reservations.length} reservations`,
  );
}

/** The configured metro and facility are among Metal's (findMetros, findFacilities). */
export function locationCheck(metal: MetalFacts, settings: Settings): Check {
  const asked = [
    ['metro', settings.metro, metal.metros],
    ['facility', settings.facility, metal.facilities],
  ] as const;
  const unknown = asked.filter(
    ([, code, known]) => code !== undefined && !known.includes(code.toLowerCase()),
  );
  if (unknown.length > 0)
    return fail(
      'metal.location',
      unknown
        .map(
          ([kind, code, known]) =>
            `${kind} "${code ?? ''}" is not one of Metal's (${listed(known, 8)})`,
        )
        .join('; '),
      'set metro (METAL_METRO_NAME) or facility (METAL_FACILITY_NAME) to a code Metal lists, e.g. "da"',
    );
  const given = asked.filter(([, code]) => code !== undefined).map(([k, c]) => `${k} ${c ?? ''}`);
  return ok(
    'metal.location',
    given.length === 0
      ? 'no metro or facility configured: a Service annotation or the host’s metadata says where'
      : `${given.join(', ')}: known to Metal`,
  );
}

/** The project's BGP: what the load balancer needs, with the ASN the CCM peers from. */
export function bgpCheck(metal: MetalFacts, settings: Settings): Check {
  const name = 'metal.bgp';
  if (!loadBalancerTraits(settings.loadBalancer).bgp)
    return ok(name, `not used by the load balancer "${settings.loadBalancer.kind}"`);
  const { id, status, asn, deploymentType } = metal.bgpConfig;
  if (id === undefined)
    return warn(
      name,
      'BGP was never requested for the project',
      `the CCM requests it (local, ASN ${settings.localASN}) on its first loop; a global one needs Equinix`,
    );
  const seen = `${status ?? 'no status'}, ${deploymentType ?? 'no type'}, ASN ${asn ?? 'none'}`;
  if (status === 'disabled')
    return fail(name, seen, 'enable BGP for the project in the Metal console (Project → BGP)');
  if (asn !== undefined && asn !== settings.localASN)
    return warn(
      name,
      `${seen}; the configured local ASN ${settings.localASN} is not used (the project's is)`,
      `set localASN (METAL_LOCAL_ASN) to ${asn} so the configuration says what runs`,
    );
  if (status === 'requested')
    return warn(name, seen, 'wait for Equinix to approve the request (a global one needs support)');
  return ok(name, seen);
}

/** Headroom in the rate-limit window the answers tell of (`X-RateLimit-*`). */
export function rateLimitCheck(metal: MetalFacts, now: number): Check {
  const name = 'metal.rate-limit';
  const reading = metal.rateLimit;
  if (reading === undefined) return ok(name, 'the answers carry no X-RateLimit headers');
  const resets =
    reading.resetAt === undefined
      ? ''
      : `, resets in ${Math.max(0, Math.ceil((reading.resetAt - now) / 1000))} s`;
  const seen = `${reading.remaining} of ${reading.limit} requests left${resets}`;
  const fix =
    'another client spends the same key’s budget: give the CCM a key of its own, or raise --sync-period';
  if (reading.remaining <= 0) return fail(name, seen, fix);
  if (reading.remaining < reading.limit / 5) return warn(name, seen, fix);
  return ok(name, seen);
}

/** The control-plane Elastic IP tag names exactly one reservation. */
export function controlPlaneEipCheck(metal: MetalFacts, settings: Settings): Check {
  const name = 'metal.control-plane-eip';
  const tag = settings.eipTag;
  if (tag === '') return ok(name, 'no control-plane Elastic IP tag configured');
  const tagged = metal.reservations.filter((r) => r.tags.includes(tag));
  const [eip] = tagged;
  if (eip === undefined)
    return fail(
      name,
      `no reservation carries the tag "${tag}"`,
      `reserve an Elastic IP with the tag "${tag}" (metal ip request --tags ${tag}), or correct eipTag`,
    );
  if (tagged.length > 1)
    return fail(
      name,
      `${tagged.length} reservations carry the tag "${tag}": ${listed(tagged.map((r) => r.address ?? r.id))}`,
      `keep the tag on one reservation: the CCM will not choose between them`,
    );
  const holder = eip.assignments.find((a) => a.deviceId !== undefined)?.deviceId;
  return ok(
    name,
    `${eip.address ?? eip.id}/${eip.cidr ?? 32} carries "${tag}"${holder === undefined ? ', unassigned' : `, assigned to device ${holder}`}`,
  );
}

/** Every Metal check, or just the one that says the project could not be read. */
export function metalChecks(metal: Read<MetalFacts>, settings: Settings, now: number): Check[] {
  const project = projectCheck(metal, settings);
  if (!metal.ok) return [project];
  const facts = metal.value;
  return [
    project,
    locationCheck(facts, settings),
    bgpCheck(facts, settings),
    rateLimitCheck(facts, now),
    controlPlaneEipCheck(facts, settings),
  ];
}
