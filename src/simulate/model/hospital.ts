// The hospital itself: campuses and their subnets per device class, the devices (with their TLS client
// software), the infrastructure (resolvers, domain controllers, NTP), and the servers: inbound ones with the
// Fig. 8 behaviours, internal applications under the hospital's internal CA, self-signed appliances, PACS
// and the HL7 interface engine.
import type { SimClass } from '../profile.ts';
import { CLASSES } from '../profile.ts';
import { apportion } from '../rng.ts';
import { UsageError } from '../../util/errors.ts';
import { intToIp, parseCidr } from './addresses.ts';
import { DAY, dnValue, type Chain } from './certs.ts';
import { publicChain, weightedMix, type BuildContext, type WeightedHost } from './external.ts';
import type { Vendor } from './vendors.ts';
import type { Device, Host, InboundBehaviour, ServerRole, TlsEndpoint } from './world.ts';

/** Third-octet offset and size (as a prefix length) of each class's subnet inside a campus /16. */
export const CLASS_SUBNETS: Record<SimClass, { offset: number; bits: number }> = {
  server: { offset: 0, bits: 21 },
  'medical-device': { offset: 16, bits: 20 },
  'medical-supporting': { offset: 32, bits: 20 },
  workstation: { offset: 64, bits: 19 },
  guest: { offset: 128, bits: 18 },
};

export function classSubnet(campusPrefix: string, cls: SimClass): string {
  const base = parseCidr(campusPrefix).base;
  const s = CLASS_SUBNETS[cls];
  return `${intToIp(base + (s.offset << 8))}/${s.bits}`;
}

/** Capacity of one class subnet for devices (240 per /24 of it, servers start at the second /24). */
function capacity(cls: SimClass): number {
  const s = CLASS_SUBNETS[cls];
  return (2 ** (24 - s.bits) - (cls === 'server' ? 1 : 0)) * 240;
}

function deviceIp(campusPrefix: string, cls: SimClass, k: number): string {
  const base = parseCidr(campusPrefix).base + (CLASS_SUBNETS[cls].offset << 8) + (cls === 'server' ? 256 : 0);
  return intToIp(base + (Math.floor(k / 240) << 8) + 10 + (k % 240));
}

export interface HospitalBuild {
  devices: Device[];
  servers: Map<string, ServerRole>;
  infra: { resolvers: string[]; dcs: string[]; ntp: string[] };
  pools: { hospital_public: WeightedHost[]; hospital_internal_ca: WeightedHost[]; hospital_selfsigned: WeightedHost[]; telehealth_alias: WeightedHost[] };
  background: { site: Host[]; internal: Host[]; vendorOnprem: Host[]; alias: Host[] };
  pacsIp: string | null;
  hl7Ip: string | null;
  internalCa: { issuing: string; root: string };
}

const APP_NAMES = ['ehr', 'lis', 'ris', 'pharmacy', 'sched', 'hr', 'intranet', 'wiki', 'citrix', 'sharepoint', 'timeclock', 'dispense', 'billing-int', 'dictation', 'cardio', 'oncology', 'lab-portal', 'nurse-call'];
// Organisation names appliances put in their self-signed certificates; one is not ASCII, as real ones can be
const APPLIANCE_ORGS = ['Hewlett-Packard Company', 'Dell Inc.', 'American Power Conversion Corp.', 'Lexmark International, Inc.', 'Axis Communications AB', 'Equipos Médicos S.A.'];
const APPLIANCE_KINDS = ['ilo', 'idrac', 'printer', 'ups', 'pdu', 'nas', 'camera', 'hvac', 'badge', 'kvm'];

export function buildHospital(ctx: BuildContext, nDevices: number, windowStart: number, windowDays: number, vendors: Vendor[]): HospitalBuild {
  const { rng, profile } = ctx;
  const h = profile.hospital;
  const out: HospitalBuild = {
    devices: [],
    servers: new Map(),
    infra: { resolvers: [], dcs: [], ntp: [] },
    pools: { hospital_public: [], hospital_internal_ca: [], hospital_selfsigned: [], telehealth_alias: [] },
    background: { site: [], internal: [], vendorOnprem: [], alias: [] },
    pacsIp: null,
    hl7Ip: null,
    internalCa: { issuing: `CN=${dnValue(profile.hospital_certs.internal_ca_name)},DC=${h.ad_domain.split('.').join(',DC=')}`, root: `CN=${dnValue(profile.hospital_certs.internal_root_name)},DC=${h.ad_domain.split('.').join(',DC=')}` },
  };
  h.campuses.forEach((c) => {
    const base = parseCidr(c.prefix).base;
    out.infra.resolvers.push(intToIp(base + 53), intToIp(base + 54));
    out.infra.dcs.push(intToIp(base + 10));
    out.infra.ntp.push(intToIp(base + 123));
  });
  const ttl = () => rng.int(profile.dns.ttl_internal[0], profile.dns.ttl_internal[1]);
  const internalHost = (name: string, ip: string, tls: TlsEndpoint | null): Host => ({ name, cnames: [], ips: [ip], ttl: ttl(), tls, serverIp: tls ? ip : undefined });
  out.infra.dcs.forEach((ip, i) => out.background.internal.push(internalHost(`dc0${i + 1}.${h.ad_domain}`, ip, null)));
  out.infra.ntp.forEach((ip, i) => out.background.internal.push(internalHost(`ntp${i + 1}.${h.ad_domain}`, ip, null)));

  // devices, class by class, spread over campuses by weight
  const perClass = apportion(nDevices, profile.device_mix);
  const campusWeights = Object.fromEntries(h.campuses.map((c, i) => [String(i), c.weight]));
  for (const cls of CLASSES) {
    const n = perClass[cls] ?? 0;
    const perCampus = apportion(n, campusWeights);
    const cp = profile.classes[cls];
    const clients = weightedMix(cp.clients);
    h.campuses.forEach((campus, ci) => {
      const count = perCampus[String(ci)] ?? 0;
      if (count > capacity(cls)) throw new UsageError(`${count} ${cls} devices do not fit campus ${campus.name}'s subnet for them; use fewer --devices`);
      for (let k = 0; k < count; k++) {
        const clientName = clients.pick(rng);
        let presentDays: Set<number> | null = null;
        if (cp.presence < 1) {
          presentDays = new Set();
          for (let d = 0; d < windowDays; d++) if (rng.chance(cp.presence)) presentDays.add(d);
        }
        out.devices.push({
          ip: deviceIp(campus.prefix, cls, k),
          cls,
          campus: ci,
          client: profile.clients[clientName]!,
          clientName,
          resolver: cp.resolver === 'public' && h.public_resolvers.length > 0 ? h.public_resolvers[k % h.public_resolvers.length]! : out.infra.resolvers[2 * ci + (k % 2)]!,
          presentDays,
          dnsCache: new Map(),
          infected: null,
        });
      }
    });
  }
  assignServers(ctx, out, windowStart, windowDays, vendors);
  return out;
}

function internalChain(ctx: BuildContext, out: HospitalBuild, cn: string, sans: string[]): Chain {
  const issuing = ctx.certs.ca(out.internalCa.issuing, out.internalCa.root);
  const root = ctx.certs.ca(out.internalCa.root, out.internalCa.root);
  const leaf = ctx.certs.leaf({ cn, rest: `O=${dnValue(ctx.profile.hospital.name)}`, sans, issuer: out.internalCa.issuing, validity: 'valid', inCt: false });
  return { kind: 'internal-ca', certs: [leaf, issuing, root] };
}

function hospitalChain(ctx: BuildContext, out: HospitalBuild, names: string[], forcePublic = false): Chain {
  const { rng, profile } = ctx;
  if (!forcePublic && !rng.chance(profile.hospital_certs.public_ca_share)) return internalChain(ctx, out, names[0]!, names);
  return publicChain(ctx, profile.hospital_certs.public_ca, {
    cn: names[0]!,
    rest: `O=${dnValue(profile.hospital.name)},C=US`,
    sans: names,
    issuer: '',
    validity: 'valid',
    lifetimeDays: 730,
    inCt: rng.chance(profile.ct.hospital_public_ca),
  });
}

function assignServers(ctx: BuildContext, out: HospitalBuild, windowStart: number, windowDays: number, vendors: Vendor[]): void {
  const { rng, profile } = ctx;
  const h = profile.hospital;
  const ib = profile.inbound;
  const servers = out.devices.filter((d) => d.cls === 'server');
  const nInbound = Math.min(servers.length, Math.round(servers.length * ib.server_share_inbound));
  const roleCounts = apportion(nInbound, Object.fromEntries(Object.entries(ib.roles).map(([k, v]) => [k, v.share])));
  const behaviours = rng.shuffle(Object.entries(apportion(nInbound, ib.behaviours)).flatMap(([b, n]) => Array<InboundBehaviour>(n).fill(b as InboundBehaviour)));
  const usedNames = new Set<string>();
  const uniqueName = (label: string, domain: string) => {
    for (let i = 1; ; i++) {
      const n = `${label}${i === 1 ? '' : i}.${domain}`;
      if (!usedNames.has(n)) {
        usedNames.add(n);
        return n;
      }
    }
  };
  let si = 0;
  const telehealthChains: Chain[] = [];
  for (const [role, count] of Object.entries(roleCounts)) {
    const def = ib.roles[role]!;
    for (let k = 0; k < count; k++, si++) {
      const dev = servers[si]!;
      const domain = h.domains[k % h.domains.length]!;
      const names = [uniqueName(def.names[k % def.names.length]!, domain)];
      if (role === 'telehealth') for (const a of h.alias_domains) names.push(uniqueName(def.names[k % def.names.length]!, a), `*.${a}`);
      // the telehealth certificate is also served from a public cloud, so it is always publicly issued
      const chain = hospitalChain(ctx, out, names, role === 'telehealth');
      if (role === 'telehealth') telehealthChains.push(chain);
      const behaviour = behaviours[si]!;
      const patchAt =
        behaviour === 'patched'
          ? windowStart + Math.floor((ib.patch_window[0] + rng.next() * (ib.patch_window[1] - ib.patch_window[0])) * windowDays) * DAY
          : null;
      const startServer = behaviour === 'never' ? ib.behaviour_servers.never : behaviour === 'patched' ? ib.behaviour_servers.patched_before : behaviour === 'persisting' ? ib.behaviour_servers.persisting : ib.behaviour_servers.only_tls10;
      const endpoint: TlsEndpoint = { server: profile.servers[startServer]!, chain, port: def.port };
      out.servers.set(dev.ip, { role, inbound: true, sessionsPerHour: def.sessions_per_hour, port: def.port, names: names.filter((n) => !n.startsWith('*.')), endpoint, behaviour, patchAt, exposedPorts: [], vendorRdp: false });
      for (const n of names) {
        if (n.startsWith('*.')) continue;
        const host: Host = { name: n, cnames: [], ips: [dev.ip], ttl: rng.int(300, 3600), tls: endpoint, serverIp: dev.ip };
        if (h.alias_domains.some((a) => n.endsWith(`.${a}`))) continue;
        out.pools.hospital_public.push({ host, weight: def.sessions_per_hour });
        out.background.site.push(host);
      }
    }
  }
  // telehealth is also hosted in a cloud under the alias domain, with the certificate hospital servers serve
  for (const a of h.alias_domains) {
    for (const label of ['app', 'visit', 'join']) {
      const name = `${label}.${a}`;
      const chain = telehealthChains.length > 0 ? rng.pick(telehealthChains) : hospitalChain(ctx, out, [name], true);
      const host: Host = { name, cnames: [], ips: [ctx.addresses.external(), ctx.addresses.external()], ttl: rng.int(60, 600), tls: { server: profile.servers[ib.behaviour_servers.never]!, chain, port: 443 } };
      out.pools.telehealth_alias.push({ host, weight: 1 });
      out.background.alias.push(host);
    }
  }

  // internal servers: PACS, the HL7 engine, applications under the internal CA, self-signed appliances
  const internal = servers.slice(si);
  const hc = profile.hospital_certs;
  const sigMix = weightedMix(hc.appliance_sig_mix);
  let apps = 0;
  let appliances = 0;
  let appliancesMade = -1;
  internal.forEach((dev, k) => {
    const kind = k === 0 ? 'pacs' : k === 1 ? 'hl7' : k % 2 === 0 ? 'app' : 'appliance';
    let names: string[];
    let chain: Chain;
    let serverName: string;
    if (kind === 'pacs' || kind === 'hl7' || kind === 'app') {
      const count = kind === 'app' ? Math.max(1, Math.round(hc.internal_apps / Math.max(1, Math.ceil((internal.length - 2) / 2)))) : 1;
      names = [];
      for (let i = 0; i < count; i++) {
        const label = kind === 'app' ? APP_NAMES[apps++ % APP_NAMES.length]! : kind;
        // a third of the applications are published under the hospital's own domain
        names.push(uniqueName(label, kind === 'app' && apps % 3 === 0 ? h.domains[0]! : h.ad_domain));
      }
      chain = internalChain(ctx, out, names[0]!, names);
      serverName = rng.chance(0.5) ? 'modern' : 'compat';
      if (kind === 'pacs') out.pacsIp = dev.ip;
      if (kind === 'hl7') out.hl7Ip = dev.ip;
    } else {
      const count = Math.max(1, Math.round(hc.appliances / Math.max(1, Math.floor((internal.length - 2) / 2))));
      names = [];
      for (let i = 0; i < count; i++) names.push(uniqueName(`${APPLIANCE_KINDS[appliances++ % APPLIANCE_KINDS.length]}`, h.ad_domain));
      const sigAlg = sigMix.pick(rng);
      appliancesMade++;
      const leaf = ctx.certs.leaf({
        cn: names[0]!,
        rest: `O=${dnValue(rng.pick(APPLIANCE_ORGS))}`,
        sans: names,
        sanIp: [dev.ip],
        issuer: '',
        // every n-th appliance, so the share holds even in a small hospital
        validity: Math.floor(appliancesMade * hc.appliance_expired_share) < Math.floor((appliancesMade + 1) * hc.appliance_expired_share) ? 'expired' : 'valid',
        selfSigned: true,
        sigAlg,
        keyLength: sigAlg === 'sha256WithRSAEncryption' ? 2048 : 1024,
        version: sigAlg === 'md5WithRSAEncryption' ? 1 : 3,
        lifetimeDays: 3650,
        inCt: false,
      });
      chain = { kind: 'self-signed', certs: [leaf] };
      serverName = rng.chance(0.5) ? 'legacy' : 'compat';
    }
    const port = kind === 'appliance' || rng.chance(profile.tls.internal_port_share_8443) ? 8443 : 443;
    const endpoint: TlsEndpoint = { server: profile.servers[serverName] ?? profile.servers[Object.keys(profile.servers)[0]!]!, chain, port };
    const role: ServerRole = { role: kind, inbound: false, sessionsPerHour: 0, port, names, endpoint, behaviour: null, patchAt: null, exposedPorts: [], vendorRdp: false };
    out.servers.set(dev.ip, role);
    for (const n of names) {
      const host: Host = { name: n, cnames: [], ips: [dev.ip], ttl: rng.int(profile.dns.ttl_internal[0], profile.dns.ttl_internal[1]), tls: endpoint, serverIp: dev.ip };
      (kind === 'appliance' ? out.pools.hospital_selfsigned : out.pools.hospital_internal_ca).push({ host, weight: kind === 'pacs' ? 3 : 1 });
      (h.domains.some((d) => n.endsWith(`.${d}`)) ? out.background.site : out.background.internal).push(host);
    }
  });
  // exposure (Trend Micro): PACS answering DICOM from outside; application servers vendors reach over RDP
  const ex = profile.exposure;
  if (out.pacsIp && ex.dicom_exposed_servers > 0) out.servers.get(out.pacsIp)!.exposedPorts.push(104);
  const appServers = [...out.servers.values()].filter((s) => s.role === 'app');
  appServers.slice(0, ex.rdp_vendor_servers).forEach((s) => (s.vendorRdp = vendors.some((v) => v.network)));
  // vendors' on-premises appliances: a vendor name that answers with a hospital address (rule b)
  const appliancesIps = [...out.servers.entries()].filter(([, s]) => s.role === 'appliance').map(([ip]) => ip);
  if (appliancesIps.length > 0) {
    for (const v of vendors) {
      out.background.vendorOnprem.push({ name: `onprem.${v.domain}`, cnames: [], ips: [rng.pick(appliancesIps)], ttl: 3600, tls: null });
    }
  }
}
