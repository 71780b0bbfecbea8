import type { Settings } from '../../model/settings.ts';
import { accessTable, type Access } from '../../providers/kubernetes/access.ts';
import { mayI, readLease, servedVersions } from '../../providers/kubernetes/preflight.ts';
import type { KubeRest } from '../../providers/kubernetes/rest.ts';
import type { MetalClient } from '../../providers/metal/client.ts';
import { describeStartupFailure } from '../../providers/metal/errors.ts';
import type { Logger } from '../cli/logging.ts';
import { kubernetesOnce } from '../observe/live.ts';
import type { Read } from './check.ts';
import type { AccessAnswer, DoctorFacts, LeaseFacts, MetalFacts } from './facts.ts';

/** Where doctor reads from: the clients `run` would use, and the Lease it would take. */
export interface DoctorSources {
  readonly settings: Settings;
  readonly rest: KubeRest;
  readonly metal: MetalClient;
  readonly lease: { readonly namespace: string; readonly name: string };
  readonly logger: Logger;
}

async function read<T>(what: () => Promise<T>, describe: (e: unknown) => string): Promise<Read<T>> {
  try {
    return { ok: true, value: await what() };
  } catch (error) {
    return { ok: false, error: describe(error) };
  }
}

/** An error's message, with its cause's (undici says only "fetch failed"; the cause says why). */
function message(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}

/** The accesses this configuration uses, each verb and name, in the namespace RBAC grants it. */
function neededAccess(
  sources: DoctorSources,
): { access: Access; verb: Access['verbs'][number]; namespace?: string; name?: string }[] {
  const { settings, lease } = sources;
  const lb = settings.loadBalancer;
  const table = accessTable({
    leaseName: lease.name,
    metallbConfigMap: lb.kind === 'metallb-configmap' ? lb.name : '',
  });
  const used = table.filter(
    (a) =>
      a.when === undefined ||
      (a.when === 'control-plane' ? settings.eipTag !== '' : a.when === lb.kind),
  );
  return used.flatMap((access) => {
    const { scope } = access;
    const namespace =
      scope === 'cluster'
        ? undefined
        : scope === 'own'
          ? lease.namespace
          : scope === 'metallb'
            ? 'namespace' in lb
              ? lb.namespace
              : undefined
            : scope.namespace;
    return access.verbs.flatMap((verb) =>
      (access.names ?? [undefined]).map((name) => ({
        access,
        verb,
        ...(namespace === undefined ? {} : { namespace }),
        ...(name === undefined ? {} : { name }),
      })),
    );
  });
}

async function accessAnswers(sources: DoctorSources): Promise<AccessAnswer[]> {
  return Promise.all(
    neededAccess(sources).map(async (q) => ({
      access: q.access,
      verb: q.verb,
      ...(q.namespace === undefined ? {} : { namespace: q.namespace }),
      allowed: await mayI(sources.rest, {
        ...q,
        group: q.access.group,
        resource: q.access.resource,
      }),
    })),
  );
}

async function leaseFacts(sources: DoctorSources): Promise<LeaseFacts> {
  const { namespace, name } = sources.lease;
  const spec = (await readLease(sources.rest, namespace, name))?.spec;
  const renewed = spec?.renewTime ?? spec?.acquireTime;
  return {
    namespace,
    name,
    ...(spec?.holderIdentity == null ? {} : { holder: spec.holderIdentity }),
    ...(renewed == null ? {} : { renewedAt: new Date(renewed).getTime() }),
    ...(spec?.leaseDurationSeconds == null ? {} : { durationMs: spec.leaseDurationSeconds * 1000 }),
  };
}

async function metalFacts(sources: DoctorSources): Promise<MetalFacts> {
  const { metal, settings } = sources;
  const options = { signal: AbortSignal.timeout(settings.metalObservationTimeoutMs) };
  const project = await metal.getProject(settings.projectID, options);
  const [bgpConfig, devices, reservations, metros, facilities] = await Promise.all([
    metal.getBgpConfig(settings.projectID, options),
    metal.listDevices(settings.projectID, options),
    metal.listReservations(settings.projectID, options),
    metal.listLocationCodes('metros', options),
    metal.listLocationCodes('facilities', options),
  ]);
  const rateLimit = metal.rateLimit;
  return {
    project,
    bgpConfig,
    devices: devices.values,
    reservations: reservations.values,
    metros,
    facilities,
    ...(rateLimit === undefined ? {} : { rateLimit }),
  };
}

/** Reads both worlds once, read-only; each read that fails is said by the check that needs it. */
export async function gatherFacts(sources: DoctorSources): Promise<DoctorFacts> {
  const { settings, rest } = sources;
  const lb = settings.loadBalancer;
  const [kubernetes, access, lease, metallbApi, metal] = await Promise.all([
    read(() => kubernetesOnce(rest, { settings, logger: sources.logger }, 20_000), message),
    read(() => accessAnswers(sources), message),
    read(() => leaseFacts(sources), message),
    lb.kind === 'metallb-crds'
      ? read(() => servedVersions(rest, 'metallb.io'), message)
      : undefined,
    read(
      () => metalFacts(sources),
      (e) => describeStartupFailure(e, settings.apiKey.source()),
    ),
  ]);
  return {
    settings,
    now: Date.now(),
    kubernetes,
    access,
    lease,
    ...(metallbApi === undefined ? {} : { metallbApi }),
    metal,
  };
}
