import type { Settings } from '../../model/settings.ts';
import type { HostMetadata } from '../../providers/metal/metadata.ts';

export interface Location {
  readonly metro?: string;
  readonly facility?: string;
  readonly from: 'configuration' | 'metadata';
}

/**
 * Where the cluster lives: the configured metro/facility, else what the host's metadata says.
 * Neither is a start-up error that says how to fix it.
 */
export async function resolveLocation(
  settings: Settings,
  readMetadata: (url: string) => Promise<HostMetadata>,
): Promise<Location> {
  const { metro, facility } = settings;
  if (metro !== undefined || facility !== undefined) {
    return {
      ...(metro === undefined ? {} : { metro }),
      ...(facility === undefined ? {} : { facility }),
      from: 'configuration',
    };
  }
  const hint = 'set METAL_METRO_NAME (metro) or METAL_FACILITY_NAME (facility)';
  let found: HostMetadata;
  try {
    found = await readMetadata(settings.metadataURL);
  } catch (error) {
    throw new Error(
      `neither metro nor facility is configured, and ${error instanceof Error ? error.message : String(error)}: ${hint}`,
      { cause: error },
    );
  }
  if (found.metro === undefined && found.facility === undefined) {
    throw new Error(
      `neither metro nor facility is configured, and the metadata at ${settings.metadataURL} names neither: ${hint}`,
    );
  }
  return {
    ...(found.metro === undefined ? {} : { metro: found.metro }),
    ...(found.facility === undefined ? {} : { facility: found.facility }),
    from: 'metadata',
  };
}
