import axios from 'axios';
import { z } from 'zod';
import type { DeviceId } from '../../model/ids.ts';
import { describeIssues } from './schemas.ts';

/** What the CCM takes from the on-host metadata document: where it runs. */
export interface HostMetadata {
  readonly deviceId?: DeviceId;
  readonly hostname?: string;
  readonly metro?: string;
  readonly facility?: string;
}

const metadataSchema = z.object({
  id: z.string().optional(),
  hostname: z.string().optional(),
  metro: z.string().optional(),
  facility: z.string().optional(),
});

/**
 * Reads the metadata service of the host the CCM runs on (no token: the service knows the caller
 * by its address). Any answer but 200 with a JSON object is an error naming the URL.
 */
export async function readHostMetadata(url: string, timeoutMs = 5_000): Promise<HostMetadata> {
  let status: number;
  let data: unknown;
  try {
    ({ status, data } = await axios.get(url, { timeout: timeoutMs, validateStatus: () => true }));
  } catch (error) {
    const code = axios.isAxiosError(error) ? (error.code ?? 'ERR_NETWORK') : 'ERR_UNKNOWN';
    // Only the code is kept: an axios error carries the whole request configuration.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(`the metadata service at ${url} did not answer (${code})`);
  }
  if (status !== 200) throw new Error(`the metadata service at ${url} answered ${status}`);
  const parsed = metadataSchema.safeParse(data);
  if (!parsed.success) {
    throw new Error(
      `the metadata service at ${url} answered an unexpected document: ${describeIssues(parsed.error, 'metadata')}`,
    );
  }
  const { id, hostname, metro, facility } = parsed.data;
  return {
    ...(id === undefined ? {} : { deviceId: id.toLowerCase() as DeviceId }),
    ...(hostname === undefined ? {} : { hostname }),
    ...(metro === undefined || metro === '' ? {} : { metro: metro.toLowerCase() }),
    ...(facility === undefined || facility === '' ? {} : { facility: facility.toLowerCase() }),
  };
}
