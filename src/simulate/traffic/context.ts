// What every traffic generator shares: the world, the profile, the emitter, the random stream, the window,
// and small helpers (resolving a name for a device, picking a server configuration at a given time).
import type { Profile, ServerProfile } from '../profile.ts';
import type { Rng } from '../rng.ts';
import type { Device, Host, ServerRole, World } from '../model/world.ts';
import type { Emitter } from './emit.ts';

export interface TrafficContext {
  world: World;
  profile: Profile;
  emit: Emitter;
  rng: Rng;
}

/** The configuration a hospital server answers with at `tsUs` (a patched server changes on its patch day). */
export function serverAt(ctx: TrafficContext, role: ServerRole, tsUs: number): ServerProfile {
  if (role.behaviour === 'patched' && role.patchAt !== null && tsUs >= role.patchAt * 1e6) {
    return ctx.profile.servers[ctx.profile.inbound.behaviour_servers.patched_after]!;
  }
  return role.endpoint.server;
}

/** Round-trip time of a DNS answer: the campus resolver often answers from cache; public resolvers are further away. */
export function dnsRtt(ctx: TrafficContext, publicResolver: boolean): number {
  const r = ctx.rng;
  if (publicResolver) return Math.max(2000, Math.round(r.logNormal(14000, 0.5)));
  return r.chance(0.7) ? Math.max(150, Math.round(r.logNormal(900, 0.6))) : Math.max(3000, Math.round(r.logNormal(28000, 0.8)));
}

/**
 * Resolves `host` for `device` unless a cached answer is still valid. Returns the time (µs) at which the
 * device can connect.
 */
export function resolve(ctx: TrafficContext, device: Device, host: Host, ts: number): number {
  const cached = device.dnsCache.get(host.name);
  if (cached !== undefined && cached > ts) return ts;
  const publicResolver = !ctx.world.resolvers.includes(device.resolver);
  const rtt = dnsRtt(ctx, publicResolver);
  const p = ctx.profile.dns;
  const failed = ctx.rng.chance(p.unanswered_share);
  ctx.emit.dns({
    ts, clientIp: device.ip, cls: device.cls, resolverIp: device.resolver, name: host.name, qtype: 'A', cnames: host.cnames, ips: host.ips, ptr: null,
    ttl: host.ttl, rcode: failed ? null : 'NOERROR', rttUs: rtt, mdns: false,
  });
  if (ctx.rng.chance(p.aaaa_share)) {
    ctx.emit.dns({
      ts: ts + ctx.rng.int(50, 400), clientIp: device.ip, cls: device.cls, resolverIp: device.resolver, name: host.name, qtype: 'AAAA', cnames: host.cnames, ips: [], ptr: null,
      ttl: host.ttl, rcode: 'NOERROR', rttUs: dnsRtt(ctx, publicResolver), mdns: false,
    });
  }
  // an unanswered query is retried after the stub resolver's timeout
  const answeredAt = failed ? ts + 5e6 : ts;
  const answerRtt = failed ? dnsRtt(ctx, publicResolver) : rtt;
  if (failed) {
    ctx.emit.dns({
      ts: answeredAt, clientIp: device.ip, cls: device.cls, resolverIp: device.resolver, name: host.name, qtype: 'A', cnames: host.cnames, ips: host.ips,
      ptr: null, ttl: host.ttl, rcode: 'NOERROR', rttUs: answerRtt, mdns: false,
    });
  }
  // a stub resolver's cache is small; forgetting everything now and then bounds memory on long runs
  if (device.dnsCache.size >= 512) device.dnsCache.clear();
  device.dnsCache.set(host.name, answeredAt + host.ttl * 1e6);
  return answeredAt + answerRtt + ctx.rng.int(200, 3000);
}
