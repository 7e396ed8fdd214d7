import { randomBytes } from 'node:crypto';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

/** One gateway session: it outlives its socket, so a RESUME can replay what was missed. */
type Session = { id: string; sequence: number; history: { s: number; t: string; d: unknown }[]; socket?: WebSocket };

export type FakeGatewayOptions = {
  token: string;
  applicationId: string;
  botUser: { id: string; username: string };
  guilds: () => readonly Record<string, unknown>[];
  /** Small in tests: the client's first heartbeat waits a random part of it. */
  heartbeatInterval: number;
  resumeUrl: () => string;
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
  resumes = 0;
  heartbeats = 0;
  /** The sequence the client last acknowledged in a heartbeat: every dispatch up to it was received. */
  acknowledged = 0;
  intents?: number;
  /** When set, the next RESUME replays from this sequence, as if the ack of earlier dispatches was lost. */
  replayFrom?: number;

  constructor(private readonly options: FakeGatewayOptions) {
    this.wss.on('connection', (socket) => this.onConnection(socket));
  }

  get session(): Session | undefined {
    return this.sessions.at(-1);
  }

  /** Sends a numbered dispatch on the live session (or keeps it for the next RESUME while disconnected). */
  dispatch(t: string, d: unknown): number {
    const session = this.session;
    if (!session) throw new Error('fake gateway: no session yet (wait for the client to IDENTIFY)');
    const s = ++session.sequence;
    session.history.push({ s, t, d });
    if (session.socket?.readyState === WebSocket.OPEN) session.socket.send(JSON.stringify({ op: 0, t, s, d }));
    return s;
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
      case 1:
        this.heartbeats++;
        if (typeof payload.d === 'number') this.acknowledged = payload.d;
        send(socket, { op: 11 });
        return;
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
    this.identifies++;
    this.intents = d.intents as number;
    const session: Session = { id: randomBytes(16).toString('hex'), sequence: 0, history: [], socket };
    this.sessions.push(session);
    const guilds = this.options.guilds();
    this.dispatch('READY', {
      v: 10,
      user: { ...this.options.botUser, discriminator: '0', avatar: null, global_name: null, bot: true, verified: true, flags: 0 },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.options.resumeUrl(),
      shard: [0, 1],
      application: { id: this.options.applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      user_settings: {},
      geo_ordered_rtc_regions: [],
    });
    for (const guild of guilds) this.dispatch('GUILD_CREATE', guild);
  }

  private resume(socket: WebSocket, d: Record<string, unknown>): void {
    const session = this.sessions.find((s) => s.id === d.session_id);
    if (d.token !== this.options.token || !session) return send(socket, { op: 9, d: false });
    this.resumes++;
    session.socket = socket;
    const from = this.replayFrom ?? (d.seq as number);
    this.replayFrom = undefined;
    for (const event of session.history.filter((e) => e.s > from)) send(socket, { op: 0, ...event });
    this.dispatch('RESUMED', null);
  }
}

function asObject(d: unknown): Record<string, unknown> {
  return typeof d === 'object' && d !== null ? (d as Record<string, unknown>) : {};
}

function send(socket: WebSocket, payload: Record<string, unknown>): void {
  socket.send(JSON.stringify({ s: null, t: null, ...payload }));
}
