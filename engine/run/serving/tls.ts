import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { selfSignedPair, type CertificatePair } from './self-signed.ts';
import type { SecureServingOptions } from './options.ts';

/** The file names of the pair in `--cert-dir`, as upstream's PairName. */
const pairName = 'cloud-controller-manager';

/** A file a flag names, or an error naming the flag, the path and why it cannot be read. */
export async function readFlagFile(flag: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(
      `--${flag} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      {
        cause: error,
      },
    );
  }
}

function checkCertificate(flag: string, path: string, pem: string): void {
  try {
    new X509Certificate(pem);
  } catch (error) {
    throw new Error(`--${flag} ${path} holds no PEM certificate`, { cause: error });
  }
}

/**
 * The serving certificate, as Kubernetes components choose it: the files given; else a pair kept in
 * `--cert-dir` (made there once, self-signed); else a self-signed pair in memory.
 */
export async function servingPair(options: SecureServingOptions): Promise<CertificatePair> {
  if (options.certFile !== undefined && options.keyFile !== undefined) {
    const cert = await readFlagFile('tls-cert-file', options.certFile);
    checkCertificate('tls-cert-file', options.certFile, cert);
    return { cert, key: await readFlagFile('tls-private-key-file', options.keyFile) };
  }
  const names = [hostname()].filter((n) => /^[a-z0-9.-]+$/i.test(n));
  if (options.certDir === undefined) return selfSignedPair(names);
  const [certPath, keyPath] = [`${pairName}.crt`, `${pairName}.key`].map((f) =>
    join(options.certDir ?? '', f),
  ) as [string, string];
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    checkCertificate('cert-dir', certPath, cert);
    return { cert, key };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const pair = selfSignedPair(names);
  try {
    await mkdir(options.certDir, { recursive: true });
    await writeFile(certPath, pair.cert, { mode: 0o644 });
    await writeFile(keyPath, pair.key, { mode: 0o600 });
  } catch (error) {
    throw new Error(
      `--cert-dir ${options.certDir}: the self-signed pair cannot be written (${(error as NodeJS.ErrnoException).code ?? 'unwritable'})`,
      { cause: error },
    );
  }
  return pair;
}
