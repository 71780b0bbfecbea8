import { z } from '../zod.ts';
import type { DeviceId } from '../../model/ids.ts';
import { NoAnswerError, send, UnsupportedProxyError } from './http.ts';
import { describeIssues } from './schemas.ts';

/** What the CCM takes from the on-host metadata document: where it runs. */
export interface HostMetadata {
  readonly deviceId?: DeviceId;
  readonly hostname?: string;
  readonly metro?: string;
  readonly facility?: string;
}

const metadataSchema = z.object({
  id: z.optional(z.string()),
  hostname: z.optional(z.string()),
  metro: z.optional(z.string()),
  facility: z.optional(z.string()),
});

/**
 * Reads the metadata service of the host the CCM runs on (no token: the service knows the caller
 * by its address). Any answer but 200 with a JSON object is an error naming the URL.
 */
export async function readHostMetadata(url: string, timeoutMs = 5_000): Promise<HostMetadata> {
  let answer: Awaited<ReturnType<typeof send>>;
  try {
    const timeout = AbortSignal.timeout(timeoutMs);
    answer = await send({ method: 'GET', url: new URL(url), signal: timeout });
  } catch (error) {
    if (error instanceof UnsupportedProxyError)
      throw new Error(`the metadata service at ${url} was not asked: ${error.message}`, {
        cause: error,
      });
    const code = error instanceof NoAnswerError ? error.code : 'ERR_UNKNOWN';
    throw new Error(`the metadata service at ${url} did not answer (${code})`, { cause: error });
  }
  if (answer.status !== 200)
    throw new Error(`the metadata service at ${url} answered ${String(answer.status)}`);
  let data: unknown;
  try {
    data = JSON.parse(answer.text) as unknown;
  } catch {
    throw new Error(`the metadata service at ${url} answered a document that is not JSON`);
  }
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
