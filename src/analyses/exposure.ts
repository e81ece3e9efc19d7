// Analysis G, exposure (analyses.md G; the Trend Micro / HITRUST report): hospital hosts that outside
// addresses reach on clinical, remote-access, file, database and console services; segmentation between
// device classes and the Internet; cleartext clinical protocols; DICOM-TLS graded against PS3.15; and, when a
// Shodan or Censys export was imported, the outside view joined with the inside view; when the user gave a GeoIP
// database, the countries of the services' peers (exposure-countries.ts).
import { COMPLETED_STATES, PROBE_STATES, countRows, loadConnections } from './connections.ts';
import { DICOM_TLS_GRADES, OBSOLETE_GRADES } from './dicom-tls.ts';
import { UNKNOWN_COUNTRY, countryList, serviceCountries, serviceKey, siteGeoIp } from './exposure-countries.ts';
import { dreadMethodNotes, makeFinding } from './dread.ts';
import { dicomTlsGroups, dicomTlsRow } from './exposure-dicom-tls.ts';
import {
  endpoint, exposedRow, exposureFinding, inboundPorts, inboundTotals, probedRow, watchedInbound, type InboundService,
} from './exposure-inbound.ts';
import { hasOutsideView, joinOutsideView, listedKey, type OutsideJoin } from './exposure-outside.ts';
import {
  cleartextClinical, directionCounts, medicalDevicesSeen, medicalGuest, medicalInternet, segmentationMatrix,
} from './exposure-segmentation.ts';
import type { FindingType } from './finding-types.ts';
import { exposureByServiceChart, segmentationChart } from './g-charts.ts';
import { MEDICAL_CLASSES, SERVICE_KEYS, WATCHED_SERVICES } from './services.ts';
import { countShare, notAvailable, type Analysis, type AnalysisContext, type Finding, type Metric, type Row, type SectionResult } from './types.ts';

const TABLE = 'g_exposure_conn';

const TYPES: FindingType[] = [
  'exposed-clinical-service', 'exposed-dicom-tls', 'exposed-remote-access', 'exposed-file-service', 'exposed-database',
  'exposed-web-console', 'medical-device-internet', 'medical-device-guest', 'cleartext-clinical-cross-class',
  'cleartext-clinical-offsite', 'dicom-tls-obsolete', 'scanner-listed-service',
];

function method(ctx: AnalysisContext, geoNote: string): string[] {
  const ports = WATCHED_SERVICES.map((s) => `${s.label} ${s.port}`).join(', ');
  return [
    'Each connection counts once: a uid seen by two sensors (or repeated in a log) is one connection, the most complete observation kept.',
    ctx.site.networks.internal.length
      ? 'Inside means the site\'s internal networks (and device-class subnets); inbound = an outside originator to an inside responder.'
      : 'The site lists no internal networks: inside is taken from Zeek\'s local_orig/local_resp; connections where Zeek left them unset have no direction.',
    `Watched inbound services (TCP): ${ports}; web-console ports count only on hosts of the classes ${MEDICAL_CLASSES.join(' and ')} (dhai decides). DICOM on 104/11112 whose every completed session Zeek saw as TLS is reported as DICOM-TLS.`,
    'The inbound port table lists the 50 busiest ports outside addresses tried, watched or not.',
    `A session is completed when conn_state is ${COMPLETED_STATES.join('/')} and the responder's SYN-ACK is in the history (h); an attempt with the originator's SYN (S) that never completed (typically ${PROBE_STATES.join('/')}) is "probed" and reported apart; mid-stream pick-ups are neither (dhai decides).`,
    'First seen is the earliest session start, last seen the latest session end; bytes are payload bytes (orig_bytes + resp_bytes).',
    'Segmentation counts every connection by the device class of each end (outside = internet); a medical device "talks" to the Internet or a guest network when a connection in either direction was answered (UDP/ICMP: the responder sent something).',
    'Cleartext DICOM/HL7: answered TCP sessions to ports 104, 11112, 2575, 12575 that Zeek did not identify as TLS; crossing = both ends inside in different classes; leaving = a hospital host sending to an outside responder.',
    'DICOM-TLS sessions (ssl.log on port 2762, and TLS on the DICOM ports 104/11112) are graded with the TLS knowledge module (src/tls) from the negotiated version and suite against DICOM PS3.15 Annex B: bcp195 (TLS 1.2/1.3 with a TLS 1.3 or forward-secret AEAD suite), fallback (TLS 1.2+ with a legacy suite, allowed only by the downgrading BCP 195 profile), legacy (TLS ≤ 1.1 or 3DES: the retired Basic/AES profiles, obsolete), insecure (RC4, DES, NULL, export, anonymous).',
    geoNote,
    ...dreadMethodNotes(TYPES, ctx.site),
  ];
}

function outsideSubject(r: Row): string {
  return `${endpoint(String(r.ip), Number(r.port))}/${String(r.transport)}`;
}

async function run(ctx: AnalysisContext): Promise<SectionResult> {
  const { geo, note: geoNote } = siteGeoIp(ctx.site);
  const n = await loadConnections(ctx.conn, ctx.site, ctx.window, TABLE);
  try {
    if (n === 0) return notAvailable(['conn.log rows inside the report window'], method(ctx, geoNote));
    const notes = method(ctx, geoNote);
    const findings: Finding[] = [];
    const metrics: Record<string, Metric> = {};
    const tables: Record<string, Row[]> = {};

    const dirs = await directionCounts(ctx.conn, TABLE);
    metrics.connections = dirs.total;
    for (const d of ['internal', 'inbound', 'outbound', 'external', 'unknown'] as const) metrics[`connections.${d}`] = countShare(dirs[d], dirs.total);

    // the outside view first: the exposure rows say which scanners list them
    let outside: OutsideJoin | null = null;
    if (await hasOutsideView(ctx.conn)) outside = await joinOutsideView(ctx.conn, ctx.site, TABLE);
    else notes.push('No Shodan or Censys export was imported: the outside view is not reported.');

    const inbound = await watchedInbound(ctx.conn, TABLE);
    const exposed = inbound.filter((s) => s.sessions > 0);
    const countries = geo ? await serviceCountries(ctx.conn, TABLE, geo) : null;
    const countriesOf = (s: InboundService, by: 'exposed' | 'probed') => (countries ? countryList(countries[by].get(serviceKey(s.host, s.port))) : null);
    tables.exposed_services = exposed.map((s) => exposedRow(s, outside ? (outside.listed.get(listedKey(s.host, s.port, 'tcp')) ?? []) : null, countriesOf(s, 'exposed')));
    tables.probed_services = inbound.filter((s) => s.probes > 0).map((s) => probedRow(s, countriesOf(s, 'probed')));
    if (countries) {
      tables.peer_countries = countries.byCountry;
      metrics.exposed_peer_countries = countries.byCountry.filter((r) => r.country !== UNKNOWN_COUNTRY).length;
    }
    tables.inbound_ports = await inboundPorts(ctx.conn, TABLE);
    for (const [i, s] of exposed.entries()) {
      findings.push(makeFinding(exposureFinding(s), endpoint(s.host, s.port), [tables.exposed_services[i]!], ctx));
    }
    const exposedHosts = new Set(exposed.map((s) => s.host));
    const medicalExposed = new Set(exposed.filter((s) => (MEDICAL_CLASSES as readonly string[]).includes(s.class)).map((s) => s.host));
    const totals = await inboundTotals(ctx.conn, TABLE);
    metrics.inbound_answered = countShare(totals.answered, totals.inbound);
    metrics.inbound_probed = countShare(totals.probed, totals.inbound);
    metrics.inbound_probe_peers = totals.probePeers;
    metrics.exposed_hosts = exposedHosts.size;
    metrics.exposed_medical_hosts = countShare(medicalExposed.size, exposedHosts.size);
    metrics.exposed_services = exposed.length;
    metrics.exposed_sessions = exposed.reduce((a, s) => a + s.sessions, 0);
    for (const k of SERVICE_KEYS) metrics[`exposed_services.${k}`] = exposed.filter((s) => s.key === k).length;
    metrics.probed_only_services = inbound.filter((s) => s.sessions === 0 && s.probes > 0).length;
    metrics.probe_attempts = inbound.reduce((a, s) => a + s.probes, 0);

    // segmentation
    const matrix = await segmentationMatrix(ctx.conn, TABLE);
    tables.segmentation = matrix;
    const devices = await medicalDevicesSeen(ctx.conn, TABLE);
    tables.medical_device_internet = await medicalInternet(ctx.conn, TABLE);
    tables.medical_device_guest = await medicalGuest(ctx.conn, TABLE);
    metrics.medical_devices_seen = devices;
    metrics.medical_devices_internet = countShare(tables.medical_device_internet.length, devices);
    metrics.medical_devices_guest = countShare(tables.medical_device_guest.length, devices);
    for (const r of tables.medical_device_internet) findings.push(makeFinding('medical-device-internet', String(r.host), [r], ctx));
    for (const r of tables.medical_device_guest) findings.push(makeFinding('medical-device-guest', String(r.host), [r], ctx));
    if (!ctx.site.device_classes.some((d) => d.class === 'medical-device')) {
      notes.push('The site defines no medical-device class: medical-device findings cannot be raised.');
    }

    const clinical = await cleartextClinical(ctx.conn, TABLE);
    tables.cleartext_clinical = clinical.flows;
    const cross = clinical.flows.filter((f) => f.kind === 'cross-class');
    const off = clinical.flows.filter((f) => f.kind === 'off-site');
    const sum = (rows: Row[]) => rows.reduce((a, r) => a + Number(r.sessions), 0);
    metrics.cleartext_clinical_sessions = clinical.sessions;
    metrics.cleartext_clinical_cross_class = countShare(sum(cross), clinical.sessions);
    metrics.cleartext_clinical_offsite = countShare(sum(off), clinical.sessions);
    for (const f of cross) findings.push(makeFinding('cleartext-clinical-cross-class', `${String(f.orig)}->${endpoint(String(f.resp), Number(f.port))}`, [f], ctx));
    for (const f of off) findings.push(makeFinding('cleartext-clinical-offsite', `${String(f.orig)}->${endpoint(String(f.resp), Number(f.port))}`, [f], ctx));

    // DICOM-TLS
    if ((await countRows(ctx.conn, `SELECT count(*) FROM (SELECT 1 FROM ssl LIMIT 1)`)) > 0) {
      const groups = await dicomTlsGroups(ctx.conn, ctx.site, ctx.window);
      tables.dicom_tls = groups.map(dicomTlsRow);
      const total = groups.reduce((a, g) => a + g.sessions, 0);
      metrics.dicom_tls_sessions = total;
      for (const grade of DICOM_TLS_GRADES) metrics[`dicom_tls_sessions.${grade}`] = countShare(groups.filter((g) => g.grade === grade).reduce((a, g) => a + g.sessions, 0), total);
      const servers = [...new Set(groups.filter((g) => OBSOLETE_GRADES.has(g.grade)).map((g) => endpoint(g.server, g.port)))];
      metrics.dicom_tls_obsolete_services = servers.length;
      for (const s of servers) {
        const rows = groups.filter((g) => endpoint(g.server, g.port) === s && OBSOLETE_GRADES.has(g.grade)).map(dicomTlsRow);
        findings.push(makeFinding('dicom-tls-obsolete', s, rows, ctx));
      }
    } else notes.push('No ssl.log: DICOM-TLS sessions are not graded.');

    if (outside) {
      tables.outside_view = outside.rows;
      const by = (s: string) => outside.rows.filter((r) => r.status === s);
      metrics.outside_listed_services = outside.rows.length - by('used-not-listed').length;
      metrics.outside_exposed_used = by('exposed-used').length;
      metrics.outside_exposed_unused = by('exposed-unused').length;
      metrics.inside_used_not_listed = by('used-not-listed').length;
      metrics.outside_records_off_site = outside.offSite;
      for (const r of by('exposed-unused')) findings.push(makeFinding('scanner-listed-service', outsideSubject(r), [r], ctx));
      notes.push('Outside view: the newest Shodan/Censys snapshot of each scanner, joined by address, port and transport with inbound sessions an outside peer completed; it holds only where the sensor sees the addresses the scanners see (no NAT in between).');
    }

    return {
      status: 'ok', needs: [], method: notes, metrics, tables, findings,
      charts: [exposureByServiceChart(inbound), segmentationChart(matrix)],
    };
  } finally {
    await ctx.conn.run(`DROP TABLE IF EXISTS ${TABLE}`);
  }
}

export const exposure: Analysis = {
  id: 'exposure',
  title: 'Exposure and segmentation (Trend Micro / HITRUST)',
  tables: ['conn'],
  run,
};
