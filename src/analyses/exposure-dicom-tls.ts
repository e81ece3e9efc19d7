// DICOM-TLS sessions (ssl.log rows on port 2762, and TLS on the DICOM ports 104 and 11112), graded against
// DICOM PS3.15's profiles (dicom-tls.ts), per server port and negotiated (version, suite).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Site } from '../config/site.ts';
import { isoSql, readRows } from './connections.ts';
import { gradeDicomTls, type DicomTlsGrade } from './dicom-tls.ts';
import { logRows, type Window } from './inputs.ts';
import { DICOM_TLS_GRADED_PORTS, sqlNumbers } from './services.ts';
import { classifyAddresses } from './site-context.ts';
import type { Row } from './types.ts';

export interface DicomTlsGroup {
  server: string;
  port: number;
  class: string | null;
  version: string | null;
  cipher: string | null;
  grade: DicomTlsGrade;
  reasons: string[];
  sessions: number;
  clients: number;
  first_seen: string | null;
  last_seen: string | null;
}

const SESSIONS = 'g_exposure_dicom_ssl';

/** Sessions once per uid, grouped by server, version and suite. */
export async function dicomTlsGroups(conn: DuckDBConnection, site: Site, w: Window): Promise<DicomTlsGroup[]> {
  const ports = `id_resp_p IN ${sqlNumbers(DICOM_TLS_GRADED_PORTS)}`;
  // read once into a temp table: the classification and the grouping both need the sessions
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${SESSIONS} AS SELECT id_resp_h, id_resp_p, id_orig_h, version, cipher, ts FROM ${await logRows(conn, 'ssl', w, { where: ports, prefer: 'established DESC NULLS LAST, dhai_file_id, ts' })}`);
  let rows: Row[];
  try {
    await classifyAddresses(conn, site, `SELECT id_resp_h FROM ${SESSIONS}`);
    rows = await readRows(conn, `
      SELECT s.id_resp_h AS server, s.id_resp_p AS port, CASE WHEN coalesce(a.inside, a.class IS NOT NULL) THEN coalesce(a.class, 'unclassified') END AS class,
        s.version, s.cipher, count(*) AS sessions, count(DISTINCT s.id_orig_h) AS clients,
        ${isoSql('min(s.ts)')} AS first_seen, ${isoSql('max(s.ts)')} AS last_seen
      FROM ${SESSIONS} s LEFT JOIN addr_class a ON a.addr = s.id_resp_h
      GROUP BY ALL ORDER BY server, port, version, cipher`);
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${SESSIONS}`);
  }
  return rows.map((r) => {
    const verdict = gradeDicomTls(r.version as string | null, r.cipher as string | null);
    return {
      server: String(r.server), port: Number(r.port), class: r.class as string | null, version: r.version as string | null, cipher: r.cipher as string | null,
      grade: verdict.grade, reasons: verdict.reasons, sessions: Number(r.sessions), clients: Number(r.clients),
      first_seen: r.first_seen as string | null, last_seen: r.last_seen as string | null,
    };
  });
}

export function dicomTlsRow(g: DicomTlsGroup): Row {
  return {
    server: g.server, port: g.port, class: g.class, version: g.version, cipher: g.cipher, grade: g.grade, reasons: g.reasons,
    sessions: g.sessions, clients: g.clients, first_seen: g.first_seen, last_seen: g.last_seen,
  };
}
