import { randomBytes } from 'node:crypto';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

/** One gateway session: it outlives its socket, so a RESUME can replay what was missed. */
type Session = { id: string; shard: number; sequence: number; acknowledged: number; history: { s: number; t: string; d: unknown }[]; socket?: WebSocket };

export type FakeGatewayOptions = {
  token: string;
  applicationId: string;
  botUser: { id: string; username: string };
  guilds: () => readonly Record<string, unknown>[];
  /** Small in tests: the client's first heartbeat waits a random part of it. */
  heartbeatInterval: number;
  resumeUrl: () => string;
  /** Shards the bot should run (GET /gateway/bot says so); guilds are spread as Discord does: (id >> 22) % count. */
  shardCount: number;
};

/**
 * The Discord gateway as discord.js speaks it (v10, JSON text frames, no
 * compression): HELLO, IDENTIFY → READY + GUILD_CREATE per guild, heartbeats,
 * RESUME → replay + RESUMED, numbered dispatches.
 * https://discord.com/developers/docs/events/gateway
 */
export class FakeGateway {
  readonly wss = new WebSocketServer({ noServer: true });
  readonly sessions: Session[] = [];
  identifies = 0;
  /** The `shard` array of every IDENTIFY, [shard_id, num_shards], in order. */
  readonly identified: [number, number][] = [];
  /**
   * Times a shard was connected (IDENTIFY or RESUME) while another connection
   * of the same shard was still open: with one process per shard, always 0.
   */
  overlaps = 0;
  resumes = 0;
  heartbeats = 0;
  intents?: number;
  /** When set, the next RESUME replays from this sequence, as if the ack of earlier dispatches was lost. */
  replayFrom?: number;

  constructor(private readonly options: FakeGatewayOptions) {
    this.wss.on('connection', (socket) => this.onConnection(socket));
  }

  /** Shard 0's current session (the only one unless the fake runs several shards). */
  get session(): Session | undefined {
    return this.sessionFor(0);
  }

  sessionFor(shard: number): Session | undefined {
    return this.sessions.findLast((s) => s.shard === shard);
  }

  /** The sequence the client last acknowledged in a heartbeat on shard 0: every dispatch up to it was received. */
  get acknowledged(): number {
    return this.session?.acknowledged ?? 0;
  }

  shardOf(guildId: string): number {
    return Number((BigInt(guildId) >> 22n) % BigInt(this.options.shardCount));
  }

  /**
   * Sends a numbered dispatch on the latest session of the guild's shard (or
   * keeps it for the next RESUME while disconnected), and, as Discord does,
   * on every other open connection identified for that shard: two processes
   * connecting one shard both hear its guilds. Returns the latest session's
   * sequence number.
   */
  dispatch(t: string, d: unknown): number {
    const data = (typeof d === 'object' && d !== null ? d : {}) as { guild_id?: string; id?: string };
    const guildId = data.guild_id ?? (t === 'GUILD_CREATE' ? data.id : undefined);
    const shard = guildId ? this.shardOf(guildId) : 0;
    const session = this.sessionFor(shard);
    if (!session) throw new Error('fake gateway: no session yet (wait for the client to IDENTIFY)');
    for (const other of this.sessions) {
      if (other !== session && other.shard === shard && other.socket?.readyState === WebSocket.OPEN) this.dispatchTo(other, t, d);
    }
    return this.dispatchTo(session, t, d);
  }

  private dispatchTo(session: Session, t: string, d: unknown): number {
    const s = ++session.sequence;
    session.history.push({ s, t, d });
    if (session.socket?.readyState === WebSocket.OPEN) session.socket.send(JSON.stringify({ op: 0, t, s, d }));
    return s;
  }

  /** Open connections of a shard (more than one means two processes hear its guilds). */
  openConnections(shard: number): number {
    return this.sessions.filter((s) => s.shard === shard && s.socket?.readyState === WebSocket.OPEN).length;
  }

  /** Drops the connection with a close code; 4000 (unknown error) makes discord.js RESUME. */
  disconnect(code = 4000): void {
    this.session?.socket?.close(code, 'fake gateway disconnect');
  }

  /** Op 7: Discord asks the client to reconnect and RESUME. */
  requestReconnect(): void {
    const socket = this.session?.socket;
    if (socket) send(socket, { op: 7, d: null });
  }

  /** Forgets every session, so the next RESUME gets op 9 (invalid session) and the client must IDENTIFY again. */
  invalidateSessions(): void {
    for (const session of this.sessions) session.id = `expired-${session.id}`;
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private onConnection(socket: WebSocket): void {
    send(socket, { op: 10, d: { heartbeat_interval: this.options.heartbeatInterval } });
    socket.on('message', (raw) => this.onMessage(socket, raw));
  }

  private onMessage(socket: WebSocket, raw: RawData): void {
    const payload = JSON.parse(raw.toString()) as { op: number; d: Record<string, unknown> | number | null };
    switch (payload.op) {
      case 1: {
        this.heartbeats++;
        const session = this.sessions.find((x) => x.socket === socket);
        if (session && typeof payload.d === 'number') session.acknowledged = payload.d;
        send(socket, { op: 11 });
        return;
      }
      case 2:
        return this.identify(socket, asObject(payload.d));
      case 6:
        return this.resume(socket, asObject(payload.d));
      default:
        return;
    }
  }

  private identify(socket: WebSocket, d: Record<string, unknown>): void {
    if (d.token !== this.options.token) return void socket.close(4004, 'Authentication failed.');
    const [shard = 0, count = 1] = Array.isArray(d.shard) ? (d.shard as number[]) : [];
    // https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes
    if (shard >= count) return void socket.close(4010, 'Invalid shard.');
    if (count < this.options.shardCount) return void socket.close(4011, 'Sharding required.');
    this.identifies++;
    this.identified.push([shard, count]);
    this.intents = d.intents as number;
    if (this.openConnections(shard) > 0) this.overlaps++;
    const session: Session = { id: randomBytes(16).toString('hex'), shard, sequence: 0, acknowledged: 0, history: [], socket };
    this.sessions.push(session);
    const guilds = this.options.guilds().filter((g) => this.shardOf(String(g.id)) === shard);
    this.dispatchTo(session, 'READY', {
      v: 10,
      user: { ...this.options.botUser, discriminator: '0', avatar: null, global_name: null, bot: true, verified: true, flags: 0 },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.options.resumeUrl(),
      shard: [shard, this.options.shardCount],
      application: { id: this.options.applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      user_settings: {},
      geo_ordered_rtc_regions: [],
    });
    for (const guild of guilds) this.dispatchTo(session, 'GUILD_CREATE', guild);
  }

  private resume(socket: WebSocket, d: Record<string, unknown>): void {
    const session = this.sessions.find((s) => s.id === d.session_id);
    if (d.token !== this.options.token || !session) return send(socket, { op: 9, d: false });
    this.resumes++;
    if (this.sessions.some((s) => s !== session && s.shard === session.shard && s.socket?.readyState === WebSocket.OPEN)) this.overlaps++;
    session.socket = socket;
    const from = this.replayFrom ?? (d.seq as number);
    this.replayFrom = undefined;
    for (const event of session.history.filter((e) => e.s > from)) send(socket, { op: 0, ...event });
    this.dispatchTo(session, 'RESUMED', null);
  }
}

function asObject(d: unknown): Record<string, unknown> {
  return typeof d === 'object' && d !== null ? (d as Record<string, unknown>) : {};
}

function send(socket: WebSocket, payload: Record<string, unknown>): void {
  socket.send(JSON.stringify({ s: null, t: null, ...payload }));
}
