// The inbound services analysis G watches (analyses.md G and issue 9), by TCP port: what each is, and the
// finding type an exposed one raises. Web-console ports count only on hosts of the medical classes (a
// hospital's public web server on 443 is expected; a pump's or a PACS's console on 443 is not).
import type { FindingType } from './finding-types.ts';

export interface WatchedService {
  port: number;
  /** short key for metric names and charts */
  key: string;
  label: string;
  finding: FindingType;
  /** only on hosts of the medical classes */
  medicalOnly: boolean;
}

export const MEDICAL_CLASSES = ['medical-device', 'medical-supporting'] as const;

export const WATCHED_SERVICES: readonly WatchedService[] = [
  { port: 104, key: 'dicom', label: 'DICOM', finding: 'exposed-clinical-service', medicalOnly: false },
  { port: 11112, key: 'dicom', label: 'DICOM', finding: 'exposed-clinical-service', medicalOnly: false },
  { port: 2762, key: 'dicom-tls', label: 'DICOM-TLS', finding: 'exposed-dicom-tls', medicalOnly: false },
  { port: 2575, key: 'hl7-mllp', label: 'HL7 MLLP', finding: 'exposed-clinical-service', medicalOnly: false },
  { port: 12575, key: 'hl7-mllp', label: 'HL7 MLLP', finding: 'exposed-clinical-service', medicalOnly: false },
  { port: 3389, key: 'rdp', label: 'RDP', finding: 'exposed-remote-access', medicalOnly: false },
  { port: 5900, key: 'vnc', label: 'VNC', finding: 'exposed-remote-access', medicalOnly: false },
  { port: 23, key: 'telnet', label: 'Telnet', finding: 'exposed-remote-access', medicalOnly: false },
  { port: 445, key: 'smb', label: 'SMB', finding: 'exposed-file-service', medicalOnly: false },
  { port: 21, key: 'ftp', label: 'FTP', finding: 'exposed-file-service', medicalOnly: false },
  { port: 1433, key: 'mssql', label: 'MS SQL Server', finding: 'exposed-database', medicalOnly: false },
  { port: 1521, key: 'oracle', label: 'Oracle DB', finding: 'exposed-database', medicalOnly: false },
  { port: 3306, key: 'mysql', label: 'MySQL', finding: 'exposed-database', medicalOnly: false },
  { port: 5432, key: 'postgresql', label: 'PostgreSQL', finding: 'exposed-database', medicalOnly: false },
  { port: 27017, key: 'mongodb', label: 'MongoDB', finding: 'exposed-database', medicalOnly: false },
  { port: 80, key: 'web-console', label: 'Web console', finding: 'exposed-web-console', medicalOnly: true },
  { port: 443, key: 'web-console', label: 'Web console', finding: 'exposed-web-console', medicalOnly: true },
  { port: 8080, key: 'web-console', label: 'Web console', finding: 'exposed-web-console', medicalOnly: true },
  { port: 8443, key: 'web-console', label: 'Web console', finding: 'exposed-web-console', medicalOnly: true },
];

/** Service keys in report order (each once). */
export const SERVICE_KEYS: readonly string[] = [...new Set(WATCHED_SERVICES.map((s) => s.key))];

export function watchedByPort(port: number): WatchedService | undefined {
  return WATCHED_SERVICES.find((s) => s.port === port);
}

/** Cleartext clinical protocols by port (DICOM upper layer and HL7 MLLP; DICOM-TLS excluded on purpose). */
export const CLEARTEXT_CLINICAL_PORTS: readonly number[] = [104, 11112, 2575, 12575];

export const DICOM_TLS_PORT = 2762;

/** Ports whose TLS sessions are graded as DICOM-TLS: the registered port, and TLS on the DICOM ports. */
export const DICOM_TLS_GRADED_PORTS: readonly number[] = [DICOM_TLS_PORT, 104, 11112];

/** SQL list literal of numbers (constants defined here, never user text). */
export function sqlNumbers(ns: readonly number[]): string {
  return `(${ns.map((n) => String(Math.trunc(n))).join(', ')})`;
}

export function sqlStrings(ss: readonly string[]): string {
  return `(${ss.map((s) => `'${s.replace(/'/g, "''")}'`).join(', ')})`;
}
