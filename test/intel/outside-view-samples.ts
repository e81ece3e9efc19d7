// Sample Shodan and Censys export records, written from their documentation:
//  - Shodan banner fields: https://datapedia.shodan.io/ (required: data, domains, hash, hostnames, port,
//    timestamp "collected in UTC", transport; ip_str / ipv6; location.country_code; product). `shodan download`
//    writes one banner per line, gzip-compressed (shodan-python helpers.write_banner / iterate_files; helpers
//    .get_ip prefers `ipv6`); the host API (/shodan/host/{ip}) returns the banners under `data`, the search API
//    under `matches` (https://developer.shodan.io/api).
//  - Censys Search 2.0 host records: the shapes of censys-python tests/search/v2/test_hosts.py (VIEW_HOST_JSON,
//    SEARCH_HOSTS_JSON; github.com/censys/censys-python), field meanings from
//    https://docs.censys.com/docs/ls-hosts and ls-service-information (services.port, service_name,
//    extended_service_name, transport_protocol; location.country_code).
// The lines below are written from those descriptions with documentation addresses (RFC 5737), not copied.
export const SHODAN_LINES = [
  { data: '\u0000\u0000\u0000', domains: [], hash: -1422148093, hostnames: ['pacs.example-hospital.org'], ip_str: '203.0.113.10', port: 104, transport: 'tcp',
    timestamp: '2018-01-15T10:20:30.123456', product: 'DICOM', location: { country_code: 'US', country_name: 'United States' } },
  { data: 'HTTP/1.1 200 OK\r\nServer: nginx\r\n', domains: ['example-hospital.org'], hash: 12345, hostnames: [], ip_str: '203.0.113.10', port: 443,
    transport: 'tcp', timestamp: '2018-01-16T00:00:00.000000', product: 'nginx', location: { country_code: 'US' } },
  { data: '', domains: [], hash: 0, hostnames: [], ip_str: '203.0.113.12', port: 161, transport: 'udp', timestamp: '2018-01-17T00:00:00.000000' },
  { data: '', domains: [], hash: 0, hostnames: [], ip_str: '192.0.2.1', port: 22, transport: 'tcp', timestamp: '2018-01-17T00:00:00.000000' },
  { data: '', domains: [], hash: 0, hostnames: [], ip_str: '::ffff:203.0.113.99', ipv6: '2001:db8::10', port: 3389, transport: 'tcp', timestamp: '2018-01-18T00:00:00.000000' },
].map((b) => JSON.stringify(b));

export const CENSYS_VIEW = {
  code: 200,
  status: 'OK',
  result: {
    services: [
      { transport_protocol: 'TCP', truncated: false, service_name: 'DICOM', _decoded: 'dicom', extended_service_name: 'DICOM', observed_at: '2018-01-14T13:40:03.755876935Z', port: 104, software: [] },
      { transport_protocol: 'TCP', truncated: false, service_name: 'RDP', extended_service_name: 'RDP', observed_at: '2018-01-14T13:41:00.000Z', port: 3389 },
    ],
    ip: '203.0.113.11',
    location: { country: 'United States', country_code: 'US', continent: 'North America' },
    last_updated_at: '2018-01-14T14:10:10.712Z',
  },
};
