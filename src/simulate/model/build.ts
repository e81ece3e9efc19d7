// Builds the whole simulated world from a profile, a seed and the window. Each part draws from its own
// random stream, so changing one part's size does not reshuffle the others.
import { POOLS, type PoolName, type Profile } from '../profile.ts';
import { Rng } from '../rng.ts';
import { AddressBook, intToIp, parseCidr } from './addresses.ts';
import { CertFactory, DAY, type Cert } from './certs.ts';
import { buildExternal, weightedMix, type BuildContext, type WeightedHost } from './external.ts';
import { buildHospital, type HospitalBuild } from './hospital.ts';
import { NameSource } from './names.ts';
import { buildThreats, buildVendors, tableOf, type Vendor } from './vendors.ts';
import type { Pool, World } from './world.ts';

export interface BuiltWorld {
  world: World;
  topList: string[];
  vendors: Vendor[];
  hospital: HospitalBuild;
  /** Every leaf certificate of the world (the CT fingerprint feed lists the logged ones). */
  leaves: Cert[];
}

export interface WorldOptions {
  seed: string;
  devices: number;
  windowStart: number;
  days: number;
}

export function buildWorld(profile: Profile, opts: WorldOptions): BuiltWorld {
  const root = new Rng(`dhai-simulate:${opts.seed}`);
  const windowEnd = opts.windowStart + opts.days * DAY;
  const addrRng = root.fork('addresses');
  const addresses = new AddressBook(() => addrRng.u32(), profile.hospital.public_resolvers);
  const names = new NameSource(root.fork('names'));
  const certs = new CertFactory(root.fork('certs'), opts.windowStart, windowEnd, profile.fictional.expired_days_ago);
  const ctxFor = (label: string): BuildContext => ({ rng: root.fork(label), profile, certs, addresses, names });

  const privateCas = Array.from({ length: profile.fictional.private_ca_orgs }, () => names.org());
  const external = buildExternal(ctxFor('external'), privateCas);
  const vendors = buildVendors(ctxFor('vendors'));
  const threats = buildThreats(ctxFor('threats'));
  const hospital = buildHospital(ctxFor('hospital'), opts.devices, opts.windowStart, opts.days, vendors.vendors);

  const rng = root.fork('people');
  // infected hosts are users' machines, never servers or medical devices
  const candidates = hospital.devices.filter((d) => d.cls === 'workstation' || d.cls === 'medical-supporting');
  const nInfected = candidates.length === 0 ? 0 : Math.max(1, Math.round(opts.devices * profile.threats.infected_share));
  rng.shuffle([...candidates])
    .slice(0, nInfected)
    .forEach((d, i) => (d.infected = threats.families[i % threats.families.length]!));

  const inboundClients = weightedMix(profile.inbound.clients);
  const externalClients = Array.from({ length: profile.inbound.external_clients }, () => {
    const clientName = inboundClients.pick(rng);
    return { ip: addresses.external(), client: profile.clients[clientName]!, clientName };
  });
  const vendorNetworks = vendors.vendors
    .filter((v) => v.network)
    .map((v) => {
      const base = parseCidr(v.network!).base;
      return { vendor: v.org, cidr: v.network!, hosts: [intToIp(base + 10), intToIp(base + 11), intToIp(base + 12)] };
    });
  const scanners = Array.from({ length: 6 }, () => addresses.external());

  const weighted: Record<PoolName, WeightedHost[]> = {
    popular: external.pools.popular ?? [],
    reputable_unknown: external.pools.reputable_unknown ?? [],
    ads: external.pools.ads ?? [],
    adtech_expired: external.pools.adtech_expired ?? [],
    longtail: external.pools.longtail ?? [],
    medical_cloud: vendors.cloud,
    medical_no_issuer: vendors.noIssuer,
    hospital_public: hospital.pools.hospital_public,
    hospital_internal_ca: hospital.pools.hospital_internal_ca,
    hospital_selfsigned: hospital.pools.hospital_selfsigned,
    telehealth_alias: hospital.pools.telehealth_alias,
  };
  const pools = new Map<PoolName, Pool>();
  for (const name of POOLS) pools.set(name, { name, hosts: weighted[name].map((w) => w.host), table: tableOf(weighted[name]) });

  const world: World = {
    devices: hospital.devices,
    servers: hospital.servers,
    pools,
    background: {
      popular: [...weighted.popular, ...weighted.ads].map((w) => w.host),
      longtail: weighted.longtail.map((w) => w.host),
      site: hospital.background.site,
      internal: hospital.background.internal,
      vendorOnprem: hospital.background.vendorOnprem,
      alias: hospital.background.alias,
    },
    pacsIp: hospital.pacsIp,
    hl7Ip: hospital.hl7Ip,
    ntpIps: hospital.infra.ntp,
    dcIps: hospital.infra.dcs,
    resolvers: hospital.infra.resolvers,
    threats,
    externalClients,
    vendorNetworks,
    scanners,
  };
  return { world, topList: external.topList, vendors: vendors.vendors, hospital, leaves: certs.leaves };
}
