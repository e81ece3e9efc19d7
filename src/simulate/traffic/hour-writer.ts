// Writes one hour of buffered rows as zeekctl's hourly files. ssl.log rows are laid out here for the chosen
// Zeek version, and certificates are logged as that version logs them: from 4.1 on, x509.log has one row per
// certificate the first time it is seen and again when seen a day or more later (X509::known_log_certs,
// relog_known_certificates_after = 1 day); before 4.1, every certificate of every handshake gets a file id,
// an x509.log row and a files.log row.
import type { Rng } from '../rng.ts';
import type { Cert } from '../model/certs.ts';
import type { LogTree } from '../zeek/log-tree.ts';
import type { Formatters } from '../zeek/row-format.ts';
import type { ZeekValue } from '../zeek/schema.ts';
import { LineStore } from '../zeek/line-store.ts';
import { HOUR_US, type Buffers, type HourBuffer, type SslRecord } from './emit.ts';

const DAY_US = 86400e6;

type Sink = (ts: number) => HourBuffer;

export interface HourWriterOptions {
  fmt: Formatters;
  /** Zeek 4.1+ layout: fingerprints, x509 de-duplication, no files.log. */
  fingerprints: boolean;
  sslHistory: boolean;
  tree: LogTree;
  rng: Rng;
  inside: (ip: string) => boolean;
}

export class HourWriter {
  /** Rows written, per log. */
  readonly rows: Record<string, number> = {};
  /** When each certificate was last logged, as a host certificate and as a CA certificate. */
  private readonly lastLogged = [new Map<Cert, number>(), new Map<Cert, number>()];

  constructor(private readonly o: HourWriterOptions) {}

  async flush(hourIndex: number, buf: HourBuffer, buffers: Buffers): Promise<void> {
    buf.ssl.sort((a, b) => a.ts - b.ts);
    // certificate rows go to the hour their own timestamp falls in (this one, or the next)
    const sink = (ts: number) => (Math.floor(ts / HOUR_US) === hourIndex ? buf : buffers.at(ts));
    const sslFmt = this.o.fmt.ssl!;
    const ssl = new LineStore();
    for (const r of buf.ssl) sslFmt.write(ssl, r.ts, this.sslValues(r, sink));
    const hourStart = (hourIndex * HOUR_US) / 1e6;
    await this.write('conn', hourStart, buf.conn);
    await this.write('dns', hourStart, buf.dns);
    await this.write('ssl', hourStart, ssl);
    await this.write('x509', hourStart, buf.x509);
    if (this.o.fmt.files) await this.write('files', hourStart, buf.files);
  }

  private async write(path: 'conn' | 'dns' | 'ssl' | 'x509' | 'files', hourStart: number, rows: LineStore): Promise<void> {
    if (rows.n === 0) return;
    const f = this.o.fmt[path]!;
    this.rows[path] = (this.rows[path] ?? 0) + rows.n;
    await this.o.tree.write(path, hourStart, rows.toBuffer(f.header?.(hourStart) ?? null, f.footer?.(hourStart + 3600) ?? null));
  }

  private sslValues(r: SslRecord, sink: Sink): ZeekValue[] {
    const head: ZeekValue[] = [r.ts, r.uid, r.origIp, r.origPort, r.respIp, r.respPort, r.version, r.cipher, r.curve, r.sni, r.resumed, r.lastAlert, r.nextProto, r.established];
    const certTs = r.ts + 500 + (r.origPort % 2500);
    if (this.o.fingerprints) {
      const certs = r.chain?.certs;
      if (certs) certs.forEach((c, i) => this.logOnce(c, i === 0, certTs, sink));
      return [
        ...head,
        ...(this.o.sslHistory ? [r.history] : []),
        certs ? certs.map((c) => c.sha256) : undefined,
        certs ? [] : undefined,
        r.sniMatches,
        r.status,
      ];
    }
    const certs = r.chain?.certs;
    const fuids = certs ? certs.map((c, i) => this.logWithFile(c, i === 0, certTs, r, sink)) : undefined;
    const leaf = certs?.[0];
    return [...head, fuids, certs ? [] : undefined, leaf?.subject, leaf?.issuer, undefined, undefined, r.status];
  }

  private certValues(c: Cert): ZeekValue[] {
    return [
      c.version, c.serial, c.subject, c.issuer, c.notBefore * 1e6, c.notAfter * 1e6, c.keyAlg, c.sigAlg, c.keyType, c.keyLength, c.exponent, c.curve,
      c.sanDns.length > 0 ? c.sanDns : undefined, undefined, undefined, c.sanIp.length > 0 ? c.sanIp : undefined, c.ca, c.pathLen,
    ];
  }

  private logOnce(c: Cert, host: boolean, ts: number, sink: Sink): void {
    const seen = this.lastLogged[host ? 0 : 1]!;
    const last = seen.get(c);
    if (last !== undefined && ts - last < DAY_US) return;
    seen.set(c, ts);
    this.o.fmt.x509!.write(sink(ts).x509, ts, [ts, c.sha256, ...this.certValues(c), host, false]);
  }

  private logWithFile(c: Cert, leaf: boolean, ts: number, r: SslRecord, sink: Sink): string {
    const fuid = this.o.rng.zeekId('F');
    const b = sink(ts);
    this.o.fmt.x509!.write(b.x509, ts, [ts, fuid, ...this.certValues(c)]);
    this.o.fmt.files!.write(
      b.files,
      ts,
      [
        ts, fuid, [r.respIp], [r.origIp], [r.uid], 'SSL', 0, ['MD5', 'SHA1', 'X509'], leaf ? 'application/x-x509-user-cert' : 'application/x-x509-ca-cert',
        undefined, 0, this.o.inside(r.respIp), false, c.derSize, undefined, 0, 0, false, undefined, c.md5, c.sha1, undefined, undefined, undefined, undefined,
      ],
    );
    return fuid;
  }
}
