// The site of the serve tests: device classes over the addresses of the test store (RITA's proxy capture,
// 10.136.0.x; the hostile DNS client, 10.20.1.5).
import { parseSite } from '../../src/config/site.ts';

export const TEST_SITE = parseSite(`
name: Test hospital
networks: { internal: [10.0.0.0/8] }
device_classes:
  - { class: workstation, subnets: [10.136.0.18/32] }
  - { class: server, subnets: [10.136.0.16/32] }
  - { class: medical-supporting, subnets: [10.20.0.0/16] }
`);
