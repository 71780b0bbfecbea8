import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { selfSignedPair } from './self-signed.ts';

describe('selfSignedPair', () => {
  it('makes a certificate Node reads, signed by its own key, for localhost and the names given', () => {
    const now = new Date('2026-01-02T03:04:05Z');
    const pair = selfSignedPair(['ccm.example', '10.0.0.7', 'fd00::1'], now);
    const cert = new X509Certificate(pair.cert);
    expect(cert.verify(createPublicKey(createPrivateKey(pair.key)))).toBe(true);
    expect(cert.subjectAltName).toBe(
      'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:ccm.example, IP Address:10.0.0.7, IP Address:FD00:0:0:0:0:0:0:1',
    );
    expect(cert.subject).toBe('CN=localhost@1767323045');
    expect(new Date(cert.validFrom).toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(new Date(cert.validTo).toISOString()).toBe('2027-01-02T03:04:05.000Z');
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('serves TLS that a client trusting it verifies for localhost', async () => {
    const pair = selfSignedPair();
    const server = createServer({ cert: pair.cert, key: pair.key }, (_q, s) => s.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const body = await new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port, servername: 'localhost', ca: pair.cert }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          resolve(text);
        });
      })
        .on('error', reject)
        .end();
    });
    server.close();
    expect(body).toBe('ok');
  });
});
