// The simulated hospital's site configuration (DIR/site.yaml), in the schema of src/config/site.ts, and the
// same facts as the ground truth sees them.
import { stringify } from 'yaml';
import type { HospitalBuild } from './model/hospital.ts';
import { classSubnet } from './model/hospital.ts';
import type { Vendor } from './model/vendors.ts';
import { CLASSES, type Profile } from './profile.ts';
import { SiteFacts } from './truth/metrics.ts';

const DESCRIPTIONS: Record<(typeof CLASSES)[number], string> = {
  'medical-device': 'modalities and bedside devices behind firewalls; mostly invisible from the aggregation point',
  'medical-supporting': 'clinical workstations, nurse stations, lab, pharmacy and imaging support systems',
  workstation: 'administrative and office workstations',
  guest: 'guest and patient Wi-Fi',
  server: 'hospital-run servers, some reached from the Internet, and appliances',
};

export interface SiteDoc {
  name: string;
  networks: { internal: string[] };
  device_classes: { class: string; subnets: string[]; description: string }[];
  domains: string[];
  internal_cas: string[];
  resolvers: string[];
  vendors: { name: string; networks: string[]; domains: string[] }[];
}

export function siteDoc(profile: Profile, hospital: HospitalBuild, vendors: Vendor[]): SiteDoc {
  const campuses = profile.hospital.campuses;
  return {
    name: profile.hospital.name,
    networks: { internal: campuses.map((c) => c.prefix) },
    device_classes: CLASSES.filter((cls) => hospital.devices.some((d) => d.cls === cls)).map((cls) => ({
      class: cls,
      subnets: campuses.map((c) => classSubnet(c.prefix, cls)),
      description: DESCRIPTIONS[cls],
    })),
    domains: profile.hospital.domains,
    // the internal CA exists only as names in simulated certificates (no DER is generated), so there is no
    // certificate file to point to
    internal_cas: [],
    resolvers: hospital.infra.resolvers,
    vendors: vendors.map((v) => ({ name: v.org, networks: v.network ? [v.network] : [], domains: [v.domain] })),
  };
}

export function siteYaml(doc: SiteDoc, comment: string): string {
  return `${comment
    .split('\n')
    .map((l) => `# ${l}`.trimEnd())
    .join('\n')}\n${stringify(doc, { lineWidth: 0 })}`;
}

export function siteFacts(doc: SiteDoc): SiteFacts {
  return new SiteFacts({
    internal: doc.networks.internal,
    classes: doc.device_classes.map((c) => ({ cls: c.class, subnets: c.subnets })),
    domains: doc.domains,
    vendors: doc.vendors,
    resolvers: doc.resolvers,
  });
}
