// Every kind of finding dhai reports, with its default DREAD vector and the reason for each value, and what to
// do about it. One table for all sections, so that scores are comparable across them and a site can override
// a vector by the type's name (site config `dread:`). Scale 0..10 per dimension (dhai decides):
//   damage           what an attacker gains: 10 = control of clinical systems or bulk patient records
//   reproducibility  how reliably the weakness can be used again: 10 = every time, no timing or luck
//   exploitability   effort and skill: 10 = a public tool and no credentials; 3 = a position on the path
//                    plus cryptanalysis; already-compromised hosts score high (the attack has happened)
//   affected_users   reach: 10 = the whole hospital; 4 = one device and the patients attached to it
//   discoverability  how easily it is found: 10 = indexed by Shodan/Censys or mass-scanned; 3 = needs inside
//                    access and knowledge of the site
// The values are dhai's judgement after the Trend Micro / HITRUST report (exposed DICOM, EMR, pharmacy
// consoles found by searching Shodan; third-party vendors as an entry point), not measurements.
import type { SectionId } from './types.ts';

export interface DreadVector {
  damage: number;
  reproducibility: number;
  exploitability: number;
  affected_users: number;
  discoverability: number;
}

export const DREAD_DIMENSIONS = ['damage', 'reproducibility', 'exploitability', 'affected_users', 'discoverability'] as const;

export interface FindingTypeDef {
  section: SectionId;
  /** the finding's title; the subject (host, pair, tool…) is appended */
  title: string;
  vector: DreadVector;
  /** why each default value (documentation, shown in the method notes) */
  why: Record<keyof DreadVector, string>;
  remediation: string;
}

function t(
  section: SectionId,
  title: string,
  v: [number, number, number, number, number],
  why: [string, string, string, string, string],
  remediation: string,
): FindingTypeDef {
  const [damage, reproducibility, exploitability, affected_users, discoverability] = v;
  return {
    section, title, remediation,
    vector: { damage, reproducibility, exploitability, affected_users, discoverability },
    why: { damage: why[0], reproducibility: why[1], exploitability: why[2], affected_users: why[3], discoverability: why[4] },
  };
}

export const FINDING_TYPES = {
  // ---- exposure (analysis G) ----
  'exposed-clinical-service': t('exposure', 'DICOM or HL7 service reachable from the Internet', [9, 9, 8, 8, 9], [
    'DICOM query/retrieve and HL7 feeds read and write patient images and records (usually in cleartext)',
    'a listening service answers every connection',
    'free DICOM and HL7 tools; many archives accept any calling AE title, no password',
    'an archive or interface engine holds many patients',
    'Shodan indexes DICOM (how the Trend Micro report found exposed archives)',
  ], 'Remove the port from the Internet-facing firewall rules; give remote partners a VPN or a DICOM-TLS/HL7-over-TLS gateway with mutual authentication, and restrict calling AE titles.'),
  'exposed-dicom-tls': t('exposure', 'DICOM-TLS service reachable from the Internet', [7, 8, 4, 8, 8], [
    'the same archive as cleartext DICOM, behind TLS',
    'a listening service answers every connection',
    'TLS must be broken or a client certificate obtained, unless the server accepts any certificate',
    'an archive holds many patients',
    'port 2762 is registered to dicom-tls and scanned',
  ], 'Allow port 2762 only from the partners that need it; require client certificates from a CA you control.'),
  'exposed-remote-access': t('exposure', 'Remote-access service (RDP, VNC or Telnet) reachable from the Internet', [10, 9, 7, 7, 10], [
    'interactive control of the host; the usual ransomware entry',
    'the service answers every connection',
    'password guessing and published RDP/VNC flaws; Telnet sends passwords in clear',
    'one host at first, then the network it sits on',
    'these ports are mass-scanned continuously',
  ], 'Close the port at the perimeter; put remote access behind a VPN or a gateway with multi-factor authentication; disable Telnet.'),
  'exposed-file-service': t('exposure', 'File service (SMB or FTP) reachable from the Internet', [9, 9, 7, 7, 10], [
    'file shares hold records and spread malware (WannaCry spread over SMB into NHS trusts)',
    'the service answers every connection',
    'public exploits for SMB, anonymous or guessed FTP logins',
    'a shared server and every host that mounts it',
    'ports 445 and 21 are mass-scanned continuously',
  ], 'Block SMB (445) at the perimeter; replace FTP with SFTP or HTTPS transfer behind authentication.'),
  'exposed-database': t('exposure', 'Database server reachable from the Internet', [9, 9, 6, 8, 9], [
    'direct access to bulk records (EMR, pharmacy, scheduling databases)',
    'the service answers every connection',
    'needs credentials, but default and weak ones are common',
    'a database backs a whole application',
    'database ports are indexed by Shodan and Censys',
  ], 'Remove the database from the Internet; reach it only through the application or a VPN; check for default accounts.'),
  'exposed-web-console': t('exposure', 'Web console of a medical system reachable from the Internet', [7, 8, 6, 5, 8], [
    'device or application administration (the report found pharmacy and patient-record consoles)',
    'the console answers every request',
    'default credentials are common; the exact product is not known from logs',
    'one system and the patients it serves',
    'web consoles are indexed by Shodan with screenshots',
  ], 'Take the console off the Internet or put it behind a VPN or an authenticating reverse proxy; change default credentials.'),
  'scanner-listed-service': t('exposure', 'Service of the hospital listed by an Internet scanner', [6, 8, 5, 5, 10], [
    'depends on the service; an unused listener is attack surface without benefit',
    'a scanner reached it, so anyone can',
    'unknown from the listing alone',
    'one host',
    'it is literally listed in a public search engine',
  ], 'If nobody uses the service from outside (no inbound sessions seen), close it at the perimeter; otherwise restrict it to known peers.'),
  'medical-device-internet': t('exposure', 'Medical device talking to the Internet', [7, 7, 5, 4, 5], [
    'a compromised device can alter therapy or leak patient data',
    'the traffic recurs',
    'needs a malicious or compromised peer, or a flaw in the device\'s client',
    'one device and its patients',
    'visible to whoever controls the peer or the path, not to a scanner',
  ], 'Confirm with the manufacturer which Internet services the device needs; allow only those at the firewall, through a proxy where possible.'),
  'medical-device-guest': t('exposure', 'Medical device reachable from or talking to a guest network', [7, 7, 6, 4, 6], [
    'a compromised device can alter therapy or leak patient data',
    'the path is open every time',
    'anyone on the guest Wi-Fi in the building can try',
    'one device and its patients',
    'found by scanning the guest network from inside',
  ], 'Separate guest networks from clinical segments with a firewall that denies traffic in both directions.'),
  'cleartext-clinical-cross-class': t('exposure', 'Cleartext DICOM or HL7 crossing device classes', [6, 8, 5, 6, 4], [
    'images and HL7 messages can be read or altered on the path',
    'every transfer is cleartext',
    'needs a position on the internal path',
    'every patient whose data is sent',
    'needs inside access and knowledge of the clinical flows',
  ], 'Use DICOM-TLS (port 2762) and HL7 over TLS between segments, or keep the flow inside one segment.'),
  'cleartext-clinical-offsite': t('exposure', 'Cleartext DICOM or HL7 leaving the site', [8, 8, 6, 6, 5], [
    'patient images and messages cross networks the hospital does not control',
    'every transfer is cleartext',
    'anyone on the Internet path can read them',
    'every patient whose data is sent',
    'visible to the transit providers and the peer',
  ], 'Send clinical data off site only over TLS (DICOM-TLS, HL7 over TLS, or a VPN).'),
  'dicom-tls-obsolete': t('exposure', 'DICOM-TLS session below the BCP 195 profiles', [6, 7, 4, 6, 5], [
    'weakened protection of images in transit',
    'the server negotiates the same parameters every time',
    'needs a position on the path and an attack on old TLS or 3DES (Sweet32)',
    'every patient whose images are sent',
    'the negotiated version and suite are visible to a scanner or the path',
  ], 'Configure the DICOM-TLS endpoints for a BCP 195 profile of DICOM PS3.15 (TLS 1.2 or 1.3, forward-secret AEAD suites) and disable the retired Basic and AES profiles.'),
  // ---- supply chain (analysis G) ----
  'vendor-access': t('supply-chain', 'Vendor network reaching a hospital host', [8, 6, 4, 6, 3], [
    'vendor support accounts are usually privileged (30 % of 2016 breaches came through third parties)',
    'the access path is standing',
    'needs the vendor\'s credentials or a foothold at the vendor',
    'the hosts the vendor reaches',
    'needs knowledge of the vendor relationship',
  ], 'Check that the vendor\'s access is expected, time-limited, logged and multi-factor; route it through a jump host.'),
  'remote-access-tool': t('supply-chain', 'Remote-access tool in use', [9, 7, 5, 5, 4], [
    'interactive control of the host from outside, past the perimeter',
    'the tool reconnects whenever it runs',
    'needs the tool\'s account or ID and password',
    'one host, then the network',
    'the tool ID or account must be known or phished',
  ], 'Confirm the tool is sanctioned; if not, remove it and block its domains; if so, enforce multi-factor login and session logging.'),
  'vendor-long-session': t('supply-chain', 'Long-lived session to a vendor cloud', [6, 5, 4, 5, 3], [
    'a standing tunnel can carry data or control out of the network',
    'depends on the vendor service',
    'needs control of the vendor side',
    'the host and what it can reach',
    'needs knowledge of the vendor relationship',
  ], 'Ask the vendor what the persistent connection carries; restrict it to the documented endpoints and monitor its volume.'),
  // ---- TLS, certificates, DNS (analyses B–F, A) ----
  'obsolete-tls-inbound': t('tls-versions', 'Hospital server accepting an obsolete TLS version', [6, 7, 3, 5, 8], [
    'sessions may be decrypted or altered',
    'the server accepts the version every time a client offers it',
    'needs a position on the path and a downgrade or protocol attack',
    'the server\'s users',
    'scanners report the versions a server accepts',
  ], 'Disable SSL 3.0, TLS 1.0 and TLS 1.1 on the server (RFC 8996); update or replace software that cannot.'),
  'weak-cipher-suite': t('cipher-quality', 'Weak or insecure cipher suite negotiated', [5, 6, 3, 5, 7], [
    'confidentiality or integrity of the session is weakened',
    'the same suite is negotiated each time',
    'needs a position on the path and cryptanalysis (RC4 biases, Sweet32)',
    'the server\'s users',
    'scanners list the suites a server accepts',
  ], 'Remove RC4, 3DES, export, NULL and anonymous suites; prefer forward-secret AEAD suites (Mozilla intermediate configuration).'),
  'self-signed-certificate': t('cert-issues', 'Self-signed certificate', [6, 7, 5, 5, 6], [
    'clients that accept it cannot tell the real server from an impostor',
    'every session presents it',
    'any interceptor can present its own self-signed certificate',
    'the service\'s users',
    'visible to anyone connecting',
  ], 'Issue the certificate from the hospital\'s internal CA or a public CA, and configure clients to verify it.'),
  'expired-certificate': t('cert-issues', 'Expired certificate', [5, 7, 4, 5, 7], [
    'users learn to click through warnings; revocation no longer covers the key',
    'every session presents it',
    'an interceptor benefits from the habit of ignoring errors',
    'the service\'s users',
    'expiry is visible to anyone connecting',
  ], 'Renew the certificate and automate renewal (ACME or the internal CA\'s tooling).'),
  'unknown-issuer-certificate': t('cert-issues', 'Certificate from an unknown issuer', [5, 6, 4, 5, 5], [
    'clients cannot verify the server unless the issuer is deliberately trusted',
    'every session presents it',
    'an interceptor can present a certificate from any issuer',
    'the service\'s users',
    'visible to anyone connecting',
  ], 'Add the issuing CA to the site\'s internal CAs if it is the hospital\'s own; otherwise replace the certificate with one from a trusted CA.'),
  'weak-certificate-key': t('cert-issues', 'Certificate chain with a weak key', [5, 6, 3, 5, 6], [
    'a key under the 112-bit level (RSA below 2048 bits) can be factored by a well-funded attacker, who can then impersonate the server',
    'every session presents the key',
    'factoring RSA-1024 takes serious resources; smaller keys are within reach of anyone',
    'the service\'s users',
    'the key length is visible to anyone connecting',
  ], 'Replace the certificate with one on a key of at least 2048 bits (RSA) or 256 bits (EC); update devices that cannot.'),
  'weak-certificate-signature': t('cert-issues', 'Certificate signed with MD5 or SHA-1', [5, 6, 3, 5, 6], [
    'chosen-prefix collisions let an attacker forge a certificate with the same signature (MD5: done in practice; SHA-1: SHAmbles, 2020)',
    'every session relies on the signature',
    'needs a collision attack against the CA\'s signing, costly for SHA-1',
    'the service\'s users',
    'the signature algorithm is visible to anyone connecting',
  ], 'Re-issue the certificate (and any intermediate) with a SHA-256 or stronger signature.'),
  'certificate-not-in-ct': t('ct-transparency', 'Publicly trusted certificate not in Certificate Transparency', [4, 5, 3, 4, 3], [
    'a mis-issued certificate would go unnoticed by CT monitoring',
    'every session presents it',
    'needs a mis-issued certificate from a trusted CA',
    'the service\'s users',
    'needs inspection of the certificate',
  ], 'Ask the CA to log the certificate (embedded SCTs), or replace it with one that carries SCTs.'),
  'botnet-dns-lookup': t('dns-categories', 'DNS look-up of a botnet domain', [9, 8, 8, 6, 6], [
    'the host is probably infected and controlled from outside',
    'the malware looks the name up repeatedly',
    'the compromise has already happened',
    'the host and whatever it can reach',
    'feeds list the domain; the infection is visible in DNS',
  ], 'Isolate the host, investigate and reimage it; block the domain at the resolver.'),
  'blacklisted-dns-lookup': t('dns-categories', 'DNS look-up of a blocklisted domain', [7, 6, 6, 5, 5], [
    'malware delivery, phishing or command and control',
    'depends on whether the look-up recurs',
    'a user or program already reached for the domain',
    'the host',
    'feeds list the domain',
  ], 'Check the host for infection; block the domain at the resolver (RPZ).'),
  'resolver-bypass': t('dns-categories', 'Host bypassing the site\'s resolvers', [5, 7, 5, 4, 4], [
    'DNS filtering and monitoring are blind to the host',
    'the host resolves this way every time',
    'any program can choose its own resolver',
    'the host',
    'needs DNS traffic analysis',
  ], 'Allow outbound DNS only from the site\'s resolvers; find out why the host uses another resolver.'),
  'dns-tunnelling': t('dns-categories', 'DNS tunnelling indicators', [8, 7, 6, 5, 4], [
    'data can leave or commands enter through DNS, past other controls',
    'the tunnel runs continuously',
    'tools exist, but the host must already run one',
    'the host and what it can reach',
    'needs DNS traffic analysis',
  ], 'Investigate the host; block the tunnelling domain and limit long or high-entropy queries at the resolver.'),
  // ---- TLS over time and report cards (analysis D) ----
  'obsolete-tls-server-still': t('obsolete-devices', 'Hospital server still on an obsolete TLS version', [6, 8, 3, 5, 8], [
    'sessions may be decrypted or altered: DROWN on SSL 2.0, POODLE on SSL 3.0, the weaker CBC and MAC constructions of TLS 1.0/1.1',
    'it negotiated the version in the last tenth of the window, or never anything newer: clients get it whenever they ask',
    'needs a position on the path and a downgrade or protocol attack',
    'the server\'s users',
    'scanners report the versions a server accepts, and these servers answer outside clients',
  ], 'Disable SSL 2.0/3.0 and TLS 1.0/1.1 on the server (RFC 8996); if its software cannot do TLS 1.2, upgrade or replace it, or put a TLS 1.2+ reverse proxy in front. The clients in the evidence are the ones to move first if they depend on the old version.'),
  'obsolete-tls-client-still': t('obsolete-devices', 'Hospital device still connecting out with an obsolete TLS version', [5, 7, 3, 4, 4], [
    'what the device sends or fetches, patient data to a vendor service or software updates, can be read or altered',
    'it negotiated the version in the last tenth of the window, or never anything newer',
    'needs a position on the path and a downgrade or protocol attack',
    'one device and the patients it serves',
    'visible on the network path or to the peer, not to an Internet scanner',
  ], 'Find out which side is old: if the device offers nothing newer, update its software or ask its manufacturer; if the outside servers in the evidence are the limit, ask their operators or block them. Until then, allow the device only the peers it needs.'),
  'tls-grade-f': t('tls-report-cards', 'Hospital TLS server graded F from its negotiated sessions', [7, 8, 6, 5, 7], [
    'SSL 2.0, EXPORT, NULL or anonymous suites, or an RSA key under 1024 bits: sessions can be read or the server impersonated outright',
    'the server negotiated it with real clients, so it does whenever they ask',
    'published attacks and tools: DROWN, FREAK, Logjam; NULL is cleartext; anonymous suites need only a man in the middle',
    'the server\'s users',
    'any TLS scanner grades the server, from the Internet for inbound servers, from inside for internal ones',
  ], 'Disable SSL 2.0, EXPORT, NULL and anonymous suites and replace keys under 2048 bits (Mozilla intermediate configuration); a server that cannot should be upgraded, replaced or put behind a TLS-terminating proxy.'),
  'tls-grade-low': t('tls-report-cards', 'Hospital TLS server graded C, D or E from its negotiated sessions', [5, 7, 3, 5, 7], [
    'SSL 3.0, RC4, a 64-bit block cipher or weak key and cipher scores: sessions can be decrypted with effort, as by POODLE, RC4 biases or Sweet32',
    'the server negotiated it with real clients, so it does whenever they ask',
    'needs a position on the path and a protocol or cryptanalytic attack',
    'the server\'s users',
    'any TLS scanner grades the server, from the Internet for inbound servers, from inside for internal ones',
  ], 'Reconfigure the server for TLS 1.2/1.3 with forward-secret AEAD suites (Mozilla intermediate configuration), without SSL 3.0, RC4 or 3DES; the deductions in the evidence say what lowered the grade.'),
} as const satisfies Record<string, FindingTypeDef>;

export type FindingType = keyof typeof FINDING_TYPES;

export const FINDING_TYPE_NAMES = Object.keys(FINDING_TYPES) as [FindingType, ...FindingType[]];

export function isFindingType(s: string): s is FindingType {
  return Object.hasOwn(FINDING_TYPES, s);
}
