// The simulated world, built once per run from the profile and the seed: who is in the hospital, what they
// talk to, and how each server answers. Traffic generation only reads it (except per-device DNS caches).
import type { ClientProfile, PoolName, ServerProfile, SimClass } from '../profile.ts';
import type { WeightedTable } from '../rng.ts';
import type { Chain } from './certs.ts';

export interface TlsEndpoint {
  server: ServerProfile;
  chain: Chain;
  port: number;
}

/** A DNS name something resolves and (usually) connects to. */
export interface Host {
  name: string;
  /** CNAME targets answered before the addresses. */
  cnames: string[];
  ips: string[];
  ttl: number;
  tls: TlsEndpoint | null;
  /** The hospital server behind the name, when the name is the hospital's own. */
  serverIp?: string;
}

export interface Pool {
  name: PoolName;
  hosts: Host[];
  table: WeightedTable<Host> | null;
}

export type InboundBehaviour = 'never' | 'patched' | 'persisting' | 'only_tls10';

export interface Device {
  ip: string;
  cls: SimClass;
  campus: number;
  client: ClientProfile;
  clientName: string;
  resolver: string;
  /** For guests: which simulated days the device is on site. */
  presentDays: Set<number> | null;
  /** Host name → expiry (microseconds) of the cached answer. */
  dnsCache: Map<string, number>;
  infected: ThreatFamily | null;
}

export interface ServerRole {
  role: string;
  inbound: boolean;
  sessionsPerHour: number;
  port: number;
  names: string[];
  endpoint: TlsEndpoint;
  behaviour: InboundBehaviour | null;
  /** Start of the day (unix seconds) from which a patched server refuses obsolete versions. */
  patchAt: number | null;
  exposedPorts: number[];
  vendorRdp: boolean;
}

export interface ThreatFamily {
  family: string;
  names: string[];
  ips: string[];
  /** Names that are listed on the botnet domain feed (the rest are caught by their answers). */
  listedNames: Set<string>;
}

export interface World {
  devices: Device[];
  /** Servers by IP (a subset of `devices` with class `server`). */
  servers: Map<string, ServerRole>;
  pools: Map<PoolName, Pool>;
  background: { popular: Host[]; longtail: Host[]; site: Host[]; internal: Host[]; vendorOnprem: Host[]; alias: Host[] };
  pacsIp: string | null;
  hl7Ip: string | null;
  ntpIps: string[];
  dcIps: string[];
  resolvers: string[];
  threats: { families: ThreatFamily[]; blacklisted: Host[] };
  externalClients: { ip: string; client: ClientProfile; clientName: string }[];
  vendorNetworks: { vendor: string; cidr: string; hosts: string[] }[];
  scanners: string[];
}
