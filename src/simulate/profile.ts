// A calibration profile: the data that makes the simulated hospital look like a particular study. Profiles are
// JSON files (src/simulate/profiles/<name>.json, or any path); this module validates one and names the first
// problem so `--profile` errors are one line.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UsageError } from '../util/errors.ts';

const VERSIONS = ['SSLv3', 'TLSv10', 'TLSv11', 'TLSv12', 'TLSv13'] as const;
export type TlsVersion = (typeof VERSIONS)[number];

const share = z.number().min(0).max(1);
const weights = z.record(z.string(), z.number().min(0));
const range = z.tuple([z.number(), z.number()]);
const curve24 = z.array(z.number().min(0)).length(24);

export const POOLS = [
  'popular',
  'reputable_unknown',
  'ads',
  'adtech_expired',
  'longtail',
  'medical_cloud',
  'medical_no_issuer',
  'hospital_public',
  'hospital_internal_ca',
  'hospital_selfsigned',
  'telehealth_alias',
] as const;
export type PoolName = (typeof POOLS)[number];

export const DNS_ONLY = [
  'site_names',
  'internal_ad',
  'internal_nx',
  'ptr_internal',
  'search_suffix',
  'vendor_onprem',
  'alias_names',
  'popular_background',
  'ptr_external',
  'longtail_background',
  'typo_nx',
  'mdns',
] as const;
export type DnsOnlyKind = (typeof DNS_ONLY)[number];

export const CLASSES = ['medical-device', 'medical-supporting', 'workstation', 'guest', 'server'] as const;
export type SimClass = (typeof CLASSES)[number];

const classSchema = z
  .object({
    curve: z.string(),
    weekend: z.number().min(0),
    presence: share,
    visits_per_hour: z.number().min(0),
    dns_only_per_hour: z.number().min(0),
    dicom_per_hour: z.number().min(0),
    hl7_per_hour: z.number().min(0),
    other_per_hour: z.number().min(0),
    sessions_per_visit: z.number().min(1),
    clients: weights,
    pools: z.partialRecord(z.enum(POOLS), z.number().min(0)),
    dns_only: z.partialRecord(z.enum(DNS_ONLY), z.number().min(0)),
    resolver: z.enum(['campus', 'public']),
  })
  .strict();

const clientSchema = z
  .object({
    max: z.enum(VERSIONS),
    min: z.enum(VERSIONS),
    tls13_share: share.optional(),
    /** Whether the client sends server_name (Windows XP-era stacks did not). */
    sni: z.boolean().optional(),
    curves: z.array(z.string()),
    alpn: z.array(z.string()),
    suites: z.array(z.string()).min(1),
  })
  .strict();

const serverSchema = z
  .object({
    max: z.enum(VERSIONS),
    min: z.enum(VERSIONS),
    tickets: z.boolean(),
    alpn: z.boolean(),
    suites: z.array(z.string()).min(1),
  })
  .strict();

const serviceSchema = z
  .object({
    service: z.string().regex(/^[a-z0-9-]+$/),
    org: z.string(),
    ca: z.string(),
    tls: z.string(),
    weight: z.number().positive(),
    certs: z.number().int().positive(),
    domains: z.array(z.string()).min(1),
    kind: z.enum(['ads']).optional(),
    cname: z.enum(['akamai', 'cloudfront']).optional(),
    unknown_issuer_hosts: z.number().int().min(0).optional(),
    unknown_ca: z.string().optional(),
  })
  .strict();

const profileSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    paper: z.record(z.string(), z.number()),
    notes: z.record(z.string(), z.string()),
    hospital: z
      .object({
        name: z.string(),
        campuses: z.array(z.object({ name: z.string(), prefix: z.string().regex(/^10\.\d{1,3}\.0\.0\/16$/), weight: z.number().positive() }).strict()).min(1),
        domains: z.array(z.string()).min(1),
        alias_domains: z.array(z.string()),
        ad_domain: z.string(),
        utc_offset_hours: z.number().int().min(-12).max(14),
        public_resolvers: z.array(z.string()),
      })
      .strict(),
    device_mix: z.record(z.enum(CLASSES), z.number().min(0)),
    diurnal: z.record(z.string(), curve24),
    classes: z.record(z.enum(CLASSES), classSchema),
    clients: z.record(z.string(), clientSchema),
    servers: z.record(z.string(), serverSchema),
    inbound: z
      .object({
        roles: z.record(
          z.string(),
          z.object({ share: z.number().positive(), sessions_per_hour: z.number().positive(), port: z.number().int(), names: z.array(z.string()).min(1) }).strict(),
        ),
        behaviours: z.object({ never: share, patched: share, persisting: share, only_tls10: share }).strict(),
        behaviour_servers: z.object({ never: z.string(), patched_before: z.string(), patched_after: z.string(), persisting: z.string(), only_tls10: z.string() }).strict(),
        patch_window: range,
        server_share_inbound: share,
        clients: weights,
        external_clients: z.number().int().positive(),
        sessions_per_client_visit: z.number().min(1),
        resume_share: share,
      })
      .strict(),
    tls: z.object({ resume_share: share, failed_handshake_share: share, ticket_share: share, internal_port_share_8443: share }).strict(),
    services: z.array(serviceSchema).min(1),
    cas: z.record(z.string(), z.object({ subject: z.string(), issuer: z.string(), ecdsa: z.boolean().optional(), reputable: z.boolean().optional() }).strict()),
    public_ca_mix: weights,
    fictional: z
      .object({
        longtail_sites: z.number().int().positive(),
        longtail_zipf: z.number().positive(),
        longtail_chain: z.object({ public: share, 'private-ca': share, 'self-signed': share, expired: share }).strict(),
        longtail_servers: weights,
        adtech_hosts: z.number().int().positive(),
        adtech_expired_share: share,
        medical_vendors: z.number().int().positive(),
        medical_hosts_per_vendor: z.number().int().positive(),
        medical_no_issuer_certs: z.number().int().min(0),
        medical_expired_certs: z.number().int().min(0),
        medical_servers: weights,
        private_ca_orgs: z.number().int().positive(),
        expired_days_ago: range,
        vendor_networks: z.number().int().min(0),
      })
      .strict(),
    hospital_certs: z
      .object({
        public_ca_share: share,
        public_ca: z.string(),
        internal_ca_name: z.string(),
        internal_root_name: z.string(),
        internal_apps: z.number().int().positive(),
        appliances: z.number().int().positive(),
        appliance_sig_mix: weights,
        appliance_expired_share: share,
      })
      .strict(),
    ct: z
      .object({
        popular: share,
        popular_low_services: z.number().int().min(0),
        popular_low_rate: range,
        longtail: share,
        adtech: share,
        medical_cloud: share,
        hospital_public_ca: share,
        unknown_issuer: share,
      })
      .strict(),
    dns: z
      .object({
        ttl_popular: range,
        ttl_longtail: range,
        ttl_internal: range,
        aaaa_share: share,
        unanswered_share: share,
        servfail_share: share,
        mdns_names: z.array(z.string()).min(1),
      })
      .strict(),
    threats: z
      .object({
        infected_share: share,
        families: z.array(z.string()).min(1),
        c2_names_per_family: z.number().int().positive(),
        beacon_hours: z.number().positive(),
        beacon_by_ip_share: share,
        blacklisted_names: z.number().int().positive(),
        blacklisted_per_device_hour: z.number().min(0),
      })
      .strict(),
    exposure: z
      .object({
        dicom_exposed_servers: z.number().int().min(0),
        rdp_vendor_servers: z.number().int().min(0),
        scans_per_hour: z.number().min(0),
        exposed_accepts_per_hour: z.number().min(0),
        vendor_sessions_per_day: z.number().min(0),
      })
      .strict(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const problem = (message: string) => ctx.addIssue({ code: 'custom', message });
    for (const [cls, c] of Object.entries(p.classes)) {
      if (!p.diurnal[c.curve]) problem(`classes.${cls}.curve: no diurnal curve named ${c.curve}`);
      for (const k of Object.keys(c.clients)) if (!p.clients[k]) problem(`classes.${cls}.clients: no client named ${k}`);
    }
    for (const k of Object.keys(p.inbound.clients)) if (!p.clients[k]) problem(`inbound.clients: no client named ${k}`);
    for (const v of Object.values(p.inbound.behaviour_servers)) if (!p.servers[v]) problem(`inbound.behaviour_servers: no server named ${v}`);
    for (const s of p.services) {
      if (!p.servers[s.tls]) problem(`services.${s.service}.tls: no server named ${s.tls}`);
      if (!p.cas[s.ca]) problem(`services.${s.service}.ca: no CA named ${s.ca}`);
      if (s.unknown_ca && !p.cas[s.unknown_ca]) problem(`services.${s.service}.unknown_ca: no CA named ${s.unknown_ca}`);
    }
    for (const k of [...Object.keys(p.public_ca_mix), p.hospital_certs.public_ca]) if (!p.cas[k]) problem(`no CA named ${k}`);
    for (const k of [...Object.keys(p.fictional.longtail_servers), ...Object.keys(p.fictional.medical_servers), 'modern', 'compat', 'legacy']) {
      if (!p.servers[k]) problem(`servers: no server configuration named ${k}`);
    }
    if (!p.diurnal.inbound) problem('diurnal.inbound: the curve of inbound load is missing');
  });

export type Profile = z.infer<typeof profileSchema>;
export type ClientProfile = z.infer<typeof clientSchema>;
export type ServerProfile = z.infer<typeof serverSchema>;
export type ServiceDef = z.infer<typeof serviceSchema>;
export type ClassProfile = z.infer<typeof classSchema>;

const PROFILE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'profiles');

/** The shipped profile names (files in src/simulate/profiles). */
export const BUILTIN_PROFILES = ['dhai-2019'] as const;

/** Loads a profile by built-in name or file path; throws UsageError naming the first problem. */
export function loadProfile(nameOrPath: string): Profile {
  const builtin = path.join(PROFILE_DIR, `${nameOrPath}.json`);
  const file = /^[a-z0-9-]+$/.test(nameOrPath) && existsSync(builtin) ? builtin : nameOrPath;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') {
      throw new UsageError(`no profile ${nameOrPath} (built in: ${BUILTIN_PROFILES.join(', ')}; or give a path to a profile JSON file)`);
    }
    throw new UsageError(`cannot read profile ${file}: ${err.message.split('\n')[0]}`);
  }
  const res = profileSchema.safeParse(raw);
  if (!res.success) {
    const issue = res.error.issues[0]!;
    const where = issue.path.map(String).join('.');
    throw new UsageError(`profile ${nameOrPath}: ${where ? `${where}: ` : ''}${issue.message}`);
  }
  return res.data;
}
