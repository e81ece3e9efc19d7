// The simulator's ground truth: every generated event is told to these tallies as it happens; `finish`
// turns them into `ground-truth.json`, keyed like report.json's sections.
import { DnsTruth, type DnsFeeds } from './dns.ts';
import { CertTruth } from './certs.ts';
import { ExposureTruth, type ConnFacts } from './exposure.ts';
import type { Metrics, SiteFacts } from './metrics.ts';
import { SupplyChainTruth } from './supply-chain.ts';
import { TlsTruth, type SessionFacts } from './tls.ts';

export interface GroundTruthFile {
  generator: { command: string; dhai_version: string; profile: string; seed: string; start: string; days: number; devices: number; zeek_version: string; format: string };
  sections: Record<string, { metrics: Metrics }>;
}

export class GroundTruth {
  readonly dns: DnsTruth;
  private readonly tls: TlsTruth;
  private readonly certs: CertTruth;
  private readonly exposure: ExposureTruth;
  private readonly supplyChain: SupplyChainTruth;

  constructor(readonly site: SiteFacts, watchName: (name: string) => boolean) {
    this.dns = new DnsTruth(watchName);
    this.tls = new TlsTruth();
    this.certs = new CertTruth(site);
    this.exposure = new ExposureTruth(site);
    this.supplyChain = new SupplyChainTruth(site);
  }

  session(s: SessionFacts): void {
    this.tls.session(s);
    this.certs.session(s);
  }

  conn(c: ConnFacts): void {
    this.exposure.conn(c);
    this.supplyChain.conn(c);
  }

  /** One dns.log row, for section G (section A hears of it through `dns.request`). */
  dnsRow(clientIp: string, name: string, answerIps: readonly string[]): void {
    this.supplyChain.dns(clientIp, name, answerIps);
  }

  finish(feeds: DnsFeeds, topList: readonly string[], classes: readonly string[]): Record<string, { metrics: Metrics }> {
    const obsolete = this.tls.obsoleteMetrics();
    return {
      'dns-categories': { metrics: this.dns.finish(this.site, feeds, this.certs.hospitalCertNames(), classes) },
      'tls-versions': { metrics: this.tls.versionMetrics() },
      'cipher-quality': { metrics: this.tls.cipherMetrics() },
      'obsolete-devices': { metrics: obsolete },
      'cert-issues': { metrics: this.certs.issueMetrics() },
      'ct-transparency': { metrics: this.certs.ctMetrics(topList) },
      exposure: { metrics: this.exposure.metrics() },
      'supply-chain': { metrics: this.supplyChain.metrics() },
    };
  }
}
