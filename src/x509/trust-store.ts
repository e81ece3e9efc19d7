// Where issuers come from: trust anchors (a root store, the site's internal CAs) and pools of other
// certificates (the chain a session presented, every certificate seen in the store). All are indexed by the
// canonical subject name, which is how an issuer is found (RFC 5280 §6.1; OpenSSL's X509_check_issued).
import tls from 'node:tls';
import { parseCertificate, type Certificate } from './certificate.ts';
import { readPemBundle } from './pem.ts';

export class CertificatePool {
  private readonly bySubject = new Map<string, Certificate[]>();
  private readonly seen = new Set<string>();

  constructor(certs: Iterable<Certificate> = []) {
    for (const c of certs) this.add(c);
  }

  add(cert: Certificate): void {
    if (this.seen.has(cert.sha256)) return;
    this.seen.add(cert.sha256);
    const list = this.bySubject.get(cert.subject.key);
    if (list) list.push(cert);
    else this.bySubject.set(cert.subject.key, [cert]);
  }

  get size(): number {
    return this.seen.size;
  }

  /** Certificates whose subject is `cert`'s issuer and whose key id does not contradict its authority key id. */
  issuersOf(cert: Certificate): Certificate[] {
    const named = this.bySubject.get(cert.issuer.key) ?? [];
    return named.filter((c) => !cert.authorityKeyId || !c.subjectKeyId || c.subjectKeyId === cert.authorityKeyId);
  }

  /** A certificate with the same subject and key (the same CA, possibly a re-issued copy of it). */
  sameCa(cert: Certificate): Certificate | undefined {
    return this.bySubject.get(cert.subject.key)?.find((c) => c.spki.equals(cert.spki));
  }

  *[Symbol.iterator](): IterableIterator<Certificate> {
    for (const list of this.bySubject.values()) yield* list;
  }
}

/** A set of trust anchors with its provenance; `skipped` counts PEM blocks that did not parse. */
export class TrustStore extends CertificatePool {
  constructor(
    certs: Iterable<Certificate>,
    readonly source: string,
    readonly skipped = 0,
  ) {
    super(certs);
  }
}

function parseAll(ders: Iterable<Buffer | string>): { certs: Certificate[]; skipped: number } {
  const certs: Certificate[] = [];
  let skipped = 0;
  for (const d of ders) {
    try {
      certs.push(parseCertificate(d));
    } catch {
      skipped++;
    }
  }
  return { certs, skipped };
}

let nodeStore: TrustStore | undefined;

/** Mozilla's store as bundled with this Node (`tls.rootCertificates`), parsed once. */
export function nodeRootStore(): TrustStore {
  if (!nodeStore) {
    const { certs, skipped } = parseAll(tls.rootCertificates);
    nodeStore = new TrustStore(certs, `node ${process.versions.node} bundled Mozilla roots`, skipped);
  }
  return nodeStore;
}

/** A root store from a PEM bundle (e.g. a Mozilla cacert.pem of the capture's era). */
export function trustStoreFromPemFile(file: string): TrustStore {
  const { certs, skipped } = parseAll(readPemBundle(file));
  return new TrustStore(certs, file, skipped);
}

/** The site's internal CAs: every certificate of every listed PEM file. */
export function trustStoreFromPemFiles(files: readonly string[], source = 'site internal CAs'): TrustStore {
  const { certs, skipped } = parseAll(files.flatMap((f) => readPemBundle(f)));
  return new TrustStore(certs, source, skipped);
}
